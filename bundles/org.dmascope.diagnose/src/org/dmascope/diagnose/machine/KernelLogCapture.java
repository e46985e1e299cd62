package org.dmascope.diagnose.machine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads the running kernel's log the way a user without special rights can: {@code dmesg}
 * (refused when kernel.dmesg_restrict is 1 and the user lacks CAP_SYSLOG), /dev/kmsg read
 * without blocking (the same rule), then {@code journalctl -k} (readable by the adm and
 * systemd-journal groups). The first that gives lines wins; each refusal is kept with its reason.
 */
public final class KernelLogCapture {

    /** What one way of reading gave. */
    public record Attempt(String how, boolean ok, String why) {
    }

    /**
     * The captured log.
     *
     * @param text     the log text, null when no way worked
     * @param fileName the name to store it under (dmesg.txt, kmsg.txt, journal.txt), null with no text
     * @param how      the command that gave it
     * @param attempts every way tried, in order
     */
    public record Result(@Nullable String text, @Nullable String fileName, @Nullable String how, List<Attempt> attempts) {
        /** Copies the list. */
        public Result {
            attempts = List.copyOf(attempts);
        }
    }

    private static final long TIMEOUT_SECONDS = 20;

    private KernelLogCapture() {
    }

    /** Captures the log, trying each way in turn. */
    public static Result capture() {
        List<Attempt> attempts = new ArrayList<>();
        String[][] ways = {
            {"dmesg.txt", "dmesg"},
            {"kmsg.txt", "dd", "if=/dev/kmsg", "iflag=nonblock", "bs=16384", "status=none"},
            {"journal.txt", "journalctl", "-k", "-b", "-o", "short-monotonic", "--no-pager", "-q"},
        };
        for (String[] way : ways) {
            String[] command = java.util.Arrays.copyOfRange(way, 1, way.length);
            String how = String.join(" ", command);
            Run run = run(command);
            // dd ends with EAGAIN once the buffer is drained: its output is what counts.
            boolean gave = run.out.length > 0 && (run.status == 0 || command[0].equals("dd"));
            if (gave && !(command[0].equals("journalctl") && new String(run.out, StandardCharsets.UTF_8).isBlank())) {
                attempts.add(new Attempt(how, true, "read " + run.out.length + " bytes"));
                return new Result(new String(run.out, StandardCharsets.UTF_8), way[0], how, attempts);
            }
            attempts.add(new Attempt(how, false, run.why()));
        }
        return new Result(null, null, null, attempts);
    }

    private record Run(int status, byte[] out, String err, @Nullable String failure) {
        String why() {
            if (failure != null) {
                return failure;
            }
            String e = err.strip();
            return (e.isEmpty() ? "no output" : e.lines().findFirst().orElse(e)) + " (exit status " + status + ")";
        }
    }

    private static Run run(String... command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Run(-1, new byte[0], "", "cannot run " + command[0] + ": " + e.getMessage());
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "kernel-log-stderr");
        errReader.setDaemon(true);
        errReader.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread outReader = new Thread(() -> copy(p.getInputStream(), out), "kernel-log-stdout");
        outReader.setDaemon(true);
        outReader.start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, new byte[0], "", command[0] + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            outReader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            errReader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Run(-1, new byte[0], "", "interrupted");
        }
        synchronized (out) {
            synchronized (err) {
                return new Run(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8), null);
            }
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] buffer = new byte[65536];
        int n;
        try (in) {
            while ((n = in.read(buffer)) >= 0) {
                synchronized (to) {
                    to.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // The process ended; what was read is kept.
        }
    }
}
