/**
 * Who acts on which organisation, as services receive it: the organisation always comes from the route
 * and the session (lib/auth/session.ts), never from the client. actorId is null for the system (sync, CLI).
 */
export type OrgCtx = { actorId: string | null; organizationId: string };
