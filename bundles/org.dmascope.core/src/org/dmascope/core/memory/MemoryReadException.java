package org.dmascope.core.memory;

/** A process's memory could not be read: it exited, or the reader may not read it. */
public final class MemoryReadException extends Exception {

    private static final long serialVersionUID = 1L;

    /** With a message naming what could not be read and why. */
    public MemoryReadException(String message) {
        super(message);
    }

    /** With a message and the cause. */
    public MemoryReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
