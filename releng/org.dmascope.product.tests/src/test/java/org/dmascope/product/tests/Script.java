package org.dmascope.product.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs ./dmascope from the repository root, on the product the build just made. */
final class Script {

    /** What a run returned. */
    record Result(int status, String out, String err, long millis) {
    }

    private Script() {
    }

    static Path root() {
        return Path.of(System.getProperty("dmascope.root", "../..")).toAbsolutePath().normalize();
    }

    static Result run(Map<String, String> env, List<String> removeEnv, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(root().resolve("dmascope").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root().toFile());
        pb.environment().put("DMASCOPE_NO_BUILD", "1");
        removeEnv.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("dmascope-out", ".txt");
        Path err = Files.createTempFile("dmascope-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./dmascope " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        try {
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), millis);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), List.of(), 120, args);
    }
}
