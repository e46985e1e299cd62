package org.dmascope.diagnose.doctor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.dmascope.diagnose.log.KernelLog;
import org.dmascope.diagnose.log.KernelLogEntry;
import org.dmascope.diagnose.log.KernelMessage;
import org.dmascope.diagnose.machine.Machine;
import org.dmascope.diagnose.machine.MachineFiles;

/** What the doctor reads from a machine's files, each fact with where it was read. */
final class MachineFacts {

    /** A value and the place it was read ("/proc/cmdline line 1"). */
    record Fact<T>(T value, String where) {
    }

    private static final Pattern RELEASE = Pattern.compile("Linux version (\\S+)");
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private final Machine machine;
    private final MachineFiles files;

    MachineFacts(Machine machine) {
        this.machine = machine;
        this.files = machine.files();
    }

    /** The kernel command line: /proc/cmdline, else the kernel log's "Command line:". */
    Optional<Fact<String>> cmdline() {
        Optional<String> text = files.text("proc/cmdline");
        if (text.isPresent()) {
            return Optional.of(new Fact<>(text.get().strip(), files.display("proc/cmdline") + " line 1"));
        }
        KernelLog log = machine.kernelLog();
        if (log != null) {
            for (KernelLogEntry e : log.of(KernelMessage.COMMAND_LINE)) {
                return Optional.of(new Fact<>(e.fields().get("cmdline"), machine.kernelLogAt() + " " + e.where()));
            }
        }
        return Optional.empty();
    }

    /** The values of a kernel parameter on the command line ("iommu" -> ["pt"]), in order. */
    static List<String> parameter(String cmdline, String name) {
        return java.util.Arrays.stream(cmdline.split("\\s+")).filter(p -> p.startsWith(name + "="))
                .map(p -> p.substring(name.length() + 1)).toList();
    }

    /** The kernel release ("6.1.0-18-amd64"). */
    Optional<Fact<String>> release() {
        Optional<String> r = files.text("proc/sys/kernel/osrelease");
        if (r.isPresent() && !r.get().isBlank()) {
            return Optional.of(new Fact<>(r.get().strip(), files.display("proc/sys/kernel/osrelease") + " line 1"));
        }
        Optional<String> v = files.text("proc/version");
        if (v.isPresent()) {
            Matcher m = RELEASE.matcher(v.get());
            if (m.find()) {
                return Optional.of(new Fact<>(m.group(1), files.display("proc/version") + " line 1"));
            }
        }
        KernelLog log = machine.kernelLog();
        if (log != null) {
            for (KernelLogEntry e : log.entries()) {
                Matcher m = RELEASE.matcher(e.text());
                if (m.lookingAt()) {
                    return Optional.of(new Fact<>(m.group(1), machine.kernelLogAt() + " " + e.where()));
                }
            }
        }
        return Optional.empty();
    }

    /** major * 1000 + minor of a release, -1 when it does not start with numbers. */
    static int versionNumber(String release) {
        Matcher m = VERSION.matcher(release);
        return m.find() ? Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) : -1;
    }

    /**
     * The kernel configuration: a collect archive's kernel/config, or /proc/config.gz, or
     * /boot/config-RELEASE; CONFIG_ names to their values with the line they are on.
     */
    Optional<Fact<Map<String, String>>> kernelConfig() {
        Optional<byte[]> data = files.read("kernel/config");
        String where = files.display("kernel/config");
        if (data.isEmpty()) {
            Optional<byte[]> gz = files.read("proc/config.gz");
            if (gz.isPresent()) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.get()))) {
                    data = Optional.of(in.readAllBytes());
                    where = files.display("proc/config.gz");
                } catch (IOException e) {
                    data = Optional.empty();
                }
            }
        }
        if (data.isEmpty()) {
            Optional<Fact<String>> release = release();
            if (release.isPresent()) {
                String boot = "boot/config-" + release.get().value();
                data = files.read(boot);
                where = files.display(boot);
            }
        }
        if (data.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> config = new LinkedHashMap<>();
        String[] lines = new String(data.get(), StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("CONFIG_") && l.contains("=")) {
                config.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1) + "\u0000" + (i + 1));
            } else if (l.startsWith("# CONFIG_") && l.endsWith(" is not set")) {
                config.put(l.substring(2, l.length() - " is not set".length()), "n\u0000" + (i + 1));
            }
        }
        return Optional.of(new Fact<>(config, where));
    }

    /** A config option's value ("y", "m", "n") and "FILE line N: CONFIG_X=y", or empty when the config does not say. */
    static Optional<Fact<String>> option(Fact<Map<String, String>> config, String name) {
        String v = config.value().get(name);
        if (v == null) {
            return Optional.empty();
        }
        String[] parts = v.split("\u0000");
        String value = parts[0];
        return Optional.of(new Fact<>(value, config.where() + " line " + parts[1] + ": "
                + (value.equals("n") ? "# " + name + " is not set" : name + "=" + value)));
    }

    /** Loaded modules from /proc/modules: name to "FILE line N: the line". */
    Optional<Map<String, String>> modules() {
        Optional<String> text = files.text("proc/modules");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.get().split("\n");
        for (int i = 0; i < lines.length; i++) {
            String name = lines[i].split("\\s+")[0];
            if (!name.isEmpty()) {
                out.put(name, files.display("proc/modules") + " line " + (i + 1) + ": " + lines[i].strip());
            }
        }
        return Optional.of(out);
    }

    /** The soft and hard RLIMIT_MEMLOCK in bytes (-1 unlimited) from a limits file, with the line. */
    Optional<Fact<long[]>> memlock() {
        String path = "proc/self/limits";
        Optional<String> text = files.text(path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = text.get().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("Max locked memory")) {
                String[] f = lines[i].substring("Max locked memory".length()).trim().split("\\s+");
                if (f.length >= 2) {
                    return Optional.of(new Fact<>(new long[] {limit(f[0]), limit(f[1])},
                            files.display(path) + " line " + (i + 1) + ": " + lines[i].strip().replaceAll("\\s+", " ")));
                }
            }
        }
        return Optional.empty();
    }

    private static long limit(String s) {
        return s.equals("unlimited") ? -1 : Long.parseLong(s);
    }
}
