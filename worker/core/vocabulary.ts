/**
 * Named primitives shared by the wire format's checks, the rules schema, identify and preview,
 * so a trait name or a timezone means the same thing everywhere it is read.
 */
import { z } from "zod";
import { isTimezone } from "./clock";

export const TRAIT_NAME = /^[a-z_][a-z0-9_]{0,63}$/;
export const TraitName = z.string().regex(TRAIT_NAME, "trait names are lowercase letters, digits and _");
export const TraitValue = z.union([z.string().max(256), z.number().finite(), z.boolean()]);
export const Traits = z
  .record(TraitName, TraitValue)
  .refine((t) => Object.keys(t).length <= 50, "at most 50 traits");
export type Traits = z.infer<typeof Traits>;

export const UserId = z.string().min(1).max(128);
export const Timezone = z.string().max(64).refine(isTimezone, "not an IANA timezone (e.g. Asia/Bangkok)");
/** Epoch ms between 2000 and 2100: anything else is a typo or an attack, not a time. */
export const EpochMs = z.number().int().min(946_684_800_000).max(4_102_444_800_000);
