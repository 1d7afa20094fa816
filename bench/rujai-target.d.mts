// Types for rujai-target.mjs, for the tests that start the worker the benchmarks' way.
import type { Miniflare } from "miniflare";

export const COMPAT: string;
export const BROWSER_UA: string;
export function buildRujai(entry?: string, outfile?: string): Promise<void>;
export function rujaiOptions(origin: string, bindings?: Record<string, string>): Record<string, unknown>;
export function startRujai(origin: string, bindings?: Record<string, string>): Promise<{ mf: Miniflare; url: string }>;
export function cookiesOf(res: Response): { visitor?: string; snapshot?: string };
export function applyMigrations(mf: Miniflare, binding?: string): Promise<unknown>;
export function sneakerViews(prefix: string, now?: number): Array<{ id: string; type: string; ts: number; props: Record<string, string> }>;
export function sendEvents(url: string, events: unknown[], cookie?: string): Promise<Response>;
