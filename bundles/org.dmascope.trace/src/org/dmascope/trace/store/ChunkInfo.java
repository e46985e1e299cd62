package org.dmascope.trace.store;

/**
 * One chunk of a trace file as its header describes it, and its health.
 *
 * @param sequence     the chunk's number, from 0, in file order
 * @param offset       the byte offset of its header in the file
 * @param checkpoint   whether it is a state checkpoint (else a chunk of events)
 * @param payloadBytes the length of its payload
 * @param events       the events it holds (for a checkpoint: the events that rebuild the state)
 * @param minTs        the smallest time stamp in it (a checkpoint: the time of its state)
 * @param maxTs        the largest time stamp in it
 * @param firstOrdinal the number of trace events before its first one (a checkpoint: the events
 *                     its state includes)
 * @param health       whether its payload was checked and how that went
 * @param problem      what is wrong with it, or "" when nothing is known to be
 */
public record ChunkInfo(int sequence, long offset, boolean checkpoint, int payloadBytes, int events, long minTs,
        long maxTs, long firstOrdinal, Health health, String problem) {

    /** What is known of a chunk's payload. */
    public enum Health {
        /** Header valid, payload not read yet. */
        UNCHECKED,
        /** Payload checksum matched and it decoded. */
        OK,
        /** Payload checksum mismatch or undecodable payload: its events are not served. */
        DAMAGED
    }

    /** The offset just past the chunk. */
    public long end() {
        return offset + StoreFormat.CHUNK_HEADER_SIZE + payloadBytes;
    }
}
