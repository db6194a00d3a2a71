export function PageSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="animate-pulse space-y-4">
      <div className="h-7 w-56 rounded bg-slate-200" />
      <div className="h-4 w-96 rounded bg-slate-100" />
      <div className="h-64 rounded-lg bg-slate-100" />
    </div>
  );
}
