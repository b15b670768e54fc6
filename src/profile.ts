/**
 * Lesson profiles: `fast` trains on small seeded slices (CI, tests, a quick look), `full` on all
 * of MNIST (the numbers the README reports). Chosen with LESSON_PROFILE; `fast` by default so
 * that nothing starts an hours-long run by accident.
 */
export type LessonProfile = "fast" | "full";

/** Environment variable that selects the profile. */
export const PROFILE_ENV = "LESSON_PROFILE";

/** Parses a profile name; an unknown value is an error, never a silent fallback. */
export function parseProfile(value: string | undefined): LessonProfile {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "fast") return "fast";
  if (v === "full") return "full";
  throw new Error(`Unknown ${PROFILE_ENV} "${value}": expected "fast" or "full"`);
}

/** The profile in force for this process (from LESSON_PROFILE). */
export function lessonProfile(): LessonProfile {
  return parseProfile(process.env[PROFILE_ENV]);
}
