package org.dmascope.core.source;

import org.eclipse.jdt.annotation.Nullable;

/**
 * Input that cannot be read: a file or directory that does not exist, is not of the expected
 * form, or is damaged. Names the input and, where known, the place in it (a line and column,
 * a byte offset, an entry of an archive), so the user can go and look.
 */
public class InputException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String input;
    private final @Nullable String place;
    private final String problem;

    /**
     * @param input   the input as the user named it
     * @param place   where in the input, or null when the whole input is meant
     * @param problem what is wrong, in words
     */
    public InputException(String input, @Nullable String place, String problem) {
        this(input, place, problem, null);
    }

    /**
     * @param input   the input as the user named it
     * @param place   where in the input, or null when the whole input is meant
     * @param problem what is wrong, in words
     * @param cause   the underlying error
     */
    public InputException(String input, @Nullable String place, String problem, @Nullable Throwable cause) {
        super(format(input, place, problem), cause);
        this.input = input;
        this.place = place;
        this.problem = problem;
    }

    private static String format(String input, @Nullable String place, String problem) {
        return place == null ? input + ": " + problem : input + ": " + place + ": " + problem;
    }

    /** The input as the user named it. */
    public String input() {
        return input;
    }

    /** Where in the input, if known. */
    public @Nullable String place() {
        return place;
    }

    /** What is wrong. */
    public String problem() {
        return problem;
    }
}
