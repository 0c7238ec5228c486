/**
 * Memory-allocator settings for worker processes. A batch worker allocates buffers of megabytes for
 * every batch (its input read from shared memory, the arrays its steps make). With glibc's defaults
 * each such buffer is a fresh memory mapping, given back to the system when freed, so every batch
 * pays page faults on every page again (on the project machine a fresh 3.2 MB buffer costs about 4 ms
 * of page faults against 0.2 ms to fill memory that is already mapped; one allocation in ten took
 * 13 ms). Worker processes therefore start with glibc settings that keep such buffers in the heap and
 * keep freed heap for the next batch. A variable the caller set itself is left as it is.
 * @module
 */

/**
 * The glibc `malloc` settings a worker process gets unless the caller's environment sets them:
 * buffers up to 32 MiB come from the heap (`MALLOC_MMAP_THRESHOLD_`), and up to 256 MiB of freed heap
 * stays with the process (`MALLOC_TRIM_THRESHOLD_`). Other C libraries ignore them.
 */
export const workerAllocatorSettings: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024),
});

/** `environment` with {@link workerAllocatorSettings} added where it has none of its own. */
export function withWorkerAllocatorSettings(environment: Readonly<Record<string, string>>): Record<string, string> {
  return { ...workerAllocatorSettings, ...environment };
}
