package org.dmascope.trace.event;

/**
 * Pages of a range migrated ({@code migrate_pages}, {@code migrate_vma_pages}; the {@code migrate:mm_migrate_pages} counts).
 *
 * @param header time stamp, CPU, PID and command name
 * @param start     first user address of the range, or 0 when not tied to one
 * @param nrPages   pages asked to move
 * @param srcNode   the NUMA node (or device memory node) the pages left, -1 when unknown
 * @param dstNode   the node they went to, -1 when unknown
 * @param reason    the migrate_reason name, for example "numa_misplaced", "compaction", "device_private"
 * @param mode      the migrate_mode name, for example "MIGRATE_SYNC", or ""
 * @param succeeded pages moved
 * @param failed    pages that could not be moved
 */
public record Migrate(EventHeader header, @Hex long start, long nrPages, int srcNode, int dstNode, String reason, String mode, long succeeded, long failed) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.MIGRATE;
    }
}
