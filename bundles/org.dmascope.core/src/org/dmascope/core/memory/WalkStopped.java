package org.dmascope.core.memory;

/**
 * Thrown by a {@link RunSink} to end a {@link PageTable#walk} early: once a sink has found what
 * it looks for, or its pin was refused. The walk hands nothing more on and lets it through to
 * whoever started the walk, who catches it. Without a stack trace: it is how a walk ends, not an
 * error.
 */
public final class WalkStopped extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param why what ended the walk (for a debugger; nothing shows it) */
    public WalkStopped(String why) {
        super(why, null, false, false);
    }
}
