"use client";
import { useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Upload } from "lucide-react";
import { Button } from "@/components/ui/button";
import { SelectInput } from "@/components/ui/field";
import { formatBytes } from "@/lib/files/schema";

type Org = { slug: string; name: string; plan: string; quota: number; used: number; canUpload: boolean };
type Progress = { name: string; loaded: number; total: number };

/**
 * One file through POST /api/files with the browser's upload progress (fetch has none, XMLHttpRequest does).
 */
function send(
  slug: string,
  file: File,
  onProgress: (loaded: number) => void,
): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/files?org=${encodeURIComponent(slug)}`);
    xhr.setRequestHeader("x-file-name", encodeURIComponent(file.name));
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ ok: true });
      let error = `The upload failed (HTTP ${xhr.status}).`;
      try {
        error = (JSON.parse(xhr.responseText) as { error?: string }).error ?? error;
      } catch {
        /* not JSON */
      }
      resolve({ ok: false, error });
    };
    xhr.onerror = () =>
      resolve({ ok: false, error: "The upload was interrupted. Check your connection and try again." });
    xhr.send(file);
  });
}

export function UploadPanel({ organizations }: { organizations: Org[] }) {
  const uploadable = organizations.filter((o) => o.canUpload);
  const [slug, setSlug] = useState(uploadable[0]?.slug ?? "");
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const router = useRouter();
  const org = uploadable.find((o) => o.slug === slug);

  if (uploadable.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        Your role (Ad hoc) lets you open files that others share with you; it cannot upload files.
      </p>
    );
  }

  async function upload(files: FileList) {
    setError(undefined);
    let done = 0;
    for (const file of Array.from(files)) {
      setProgress({ name: file.name, loaded: 0, total: file.size });
      const result = await send(slug, file, (loaded) =>
        setProgress({ name: file.name, loaded, total: file.size }),
      );
      if (!result.ok) {
        setError(`${file.name}: ${result.error}`);
        break;
      }
      done += 1;
    }
    setProgress(undefined);
    if (input.current) input.current.value = "";
    if (done > 0) toast.success(done === 1 ? "File uploaded" : `${done} files uploaded`);
    router.refresh();
  }

  const percent = progress && progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;
  return (
    <div className="flex flex-wrap items-end gap-4">
      {uploadable.length > 1 && (
        <div className="w-56">
          <SelectInput
            label="Organisation"
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
            disabled={Boolean(progress)}
          >
            {uploadable.map((o) => (
              <option key={o.slug} value={o.slug}>
                {o.name}
              </option>
            ))}
          </SelectInput>
        </div>
      )}
      <div>
        <input
          ref={input}
          id="file-upload"
          type="file"
          multiple
          className="sr-only"
          onChange={(e) => e.target.files?.length && void upload(e.target.files)}
          disabled={Boolean(progress)}
        />
        <Button onClick={() => input.current?.click()} disabled={Boolean(progress)}>
          <Upload className="mr-1.5 size-4" aria-hidden />
          Upload files
        </Button>
      </div>
      {org && (
        <p className="pb-2 text-sm text-slate-500">
          {formatBytes(org.used)} of {formatBytes(org.quota)} used (plan {org.plan})
        </p>
      )}
      {progress && (
        <div className="w-full" aria-live="polite">
          <p className="text-sm text-slate-600">
            Uploading {progress.name}… {percent}%
          </p>
          <div
            role="progressbar"
            aria-label={`Uploading ${progress.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="mt-1 h-2 w-full overflow-hidden rounded bg-slate-100"
          >
            <div className="bg-brand-600 h-full transition-all" style={{ width: `${percent}%` }} />
          </div>
        </div>
      )}
      {error && (
        <p
          role="alert"
          className={
            "w-full rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 " + "ring-1 ring-red-200 ring-inset"
          }
        >
          {error}
        </p>
      )}
    </div>
  );
}
