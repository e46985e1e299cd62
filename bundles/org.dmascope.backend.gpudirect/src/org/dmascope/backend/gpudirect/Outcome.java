package org.dmascope.backend.gpudirect;

import java.util.List;

import org.eclipse.jdt.annotation.Nullable;

/**
 * What one kernel or driver call returned: success with a value, or the errno the real code
 * returns, with the rule that decided it.
 *
 * @param <T>   the value's type
 * @param error the errno name ("EINVAL", "ENOTSUPP", "ENOMEM", "EIO", "EFAULT", "EREMOTEIO"), null on success
 * @param why   one line: which function and rule decided
 * @param value the value on success, null on error (and for calls that return only a status)
 * @param notes more findings, a line each (warnings the kernel prints, caveats)
 */
public record Outcome<T>(@Nullable String error, String why, @Nullable T value, List<String> notes) {

    /** Copies the notes. */
    public Outcome {
        notes = List.copyOf(notes);
    }

    /** A success. */
    public static <T> Outcome<T> ok(@Nullable T value, String why, List<String> notes) {
        return new Outcome<>(null, why, value, notes);
    }

    /** A failure. */
    public static <T> Outcome<T> failed(String error, String why, List<String> notes) {
        return new Outcome<>(error, why, null, notes);
    }

    /** Whether the call succeeded. */
    public boolean ok() {
        return error == null;
    }

    /**
     * The value of a successful call.
     *
     * @throws IllegalStateException when the call failed
     */
    public T get() {
        T v = value;
        if (error != null || v == null) {
            throw new IllegalStateException("the call failed with -" + error + ": " + why);
        }
        return v;
    }

    /** The return code as the kernel writes it: 0, or -errno by name ("-EINVAL"). */
    public String returnCode() {
        return error == null ? "0" : "-" + error;
    }
}
