package org.dmascope.scenario;

import java.util.Map;

/**
 * The kernel's errno numbers (include/uapi/asm-generic/errno-base.h and errno.h) that scenario
 * steps return, and their names as outcomes print them: "0", "-EFAULT", "-EPERM".
 */
public final class Errno {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory (dmirror: a page the device does not map). */
    public static final int ENOENT = 2;
    /** I/O error. */
    public static final int EIO = 5;
    /** Try again. */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;

    private static final Map<Integer, String> NAMES = Map.of(EPERM, "EPERM", ENOENT, "ENOENT", EIO, "EIO", EAGAIN,
            "EAGAIN", ENOMEM, "ENOMEM", EFAULT, "EFAULT", EBUSY, "EBUSY", EINVAL, "EINVAL", EOPNOTSUPP, "EOPNOTSUPP");

    private Errno() {
    }

    /** "0" for 0, "-EFAULT" for -14, "-E99" for a number without a name here. */
    public static String name(int rc) {
        if (rc == 0) {
            return "0";
        }
        String n = NAMES.get(Math.abs(rc));
        return (rc < 0 ? "-" : "") + (n == null ? "E" + Math.abs(rc) : n);
    }
}
