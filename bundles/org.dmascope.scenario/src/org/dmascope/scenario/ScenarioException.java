package org.dmascope.scenario;

import java.nio.file.Path;

/**
 * A scenario file that cannot be read or run as written: the file, the line, and the problem.
 * The command line prints the message as its one line and exits with status 2.
 */
public final class ScenarioException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String problem;

    /**
     * @param file    the file as the user named it
     * @param line    the line (1-based), 0 when the problem is the whole file
     * @param problem what is wrong
     */
    public ScenarioException(String file, int line, String problem) {
        super(file + (line > 0 ? ": line " + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** A problem of a line of a file. */
    public ScenarioException(Path file, int line, String problem) {
        this(file.toString(), line, problem);
    }

    /** The file as the user named it. */
    public String file() {
        return file;
    }

    /** The line, 1-based; 0 for the whole file. */
    public int line() {
        return line;
    }

    /** What is wrong, without the place. */
    public String problem() {
        return problem;
    }
}
