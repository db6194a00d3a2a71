import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-2 px-4 text-center">
      <p className="text-brand-600 text-sm font-semibold">404</p>
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <Link href="/" className="text-brand-600 mt-4 text-sm font-medium hover:underline">
        Back to the console
      </Link>
    </main>
  );
}
