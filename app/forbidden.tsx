import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-2 px-4 text-center">
      <p className="text-brand-600 text-sm font-semibold">403</p>
      <h1 className="text-2xl font-semibold">You do not have access to this page</h1>
      <p className="text-sm text-slate-500">Ask an administrator for the role it needs.</p>
      <Link href="/" className="text-brand-600 mt-4 text-sm font-medium hover:underline">
        Back to the console
      </Link>
    </main>
  );
}
