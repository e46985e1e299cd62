package org.dmascope.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * ./dmascope opens the workbench of the built product: with a display it reaches its first
 * painted frame and reads the live host (the start-up probe reports both and closes it);
 * {@code ./dmascope open SOURCE} reads SOURCE instead; without a display it says so and how to
 * proceed.
 */
class WorkbenchStartTest {

    private static final Pattern FIRST_FRAME = Pattern.compile("first frame after (\\d+) ms");

    @Test
    void withoutADisplayItSaysWhatToDo() throws Exception {
        Script.Result r = Script.run(Map.of(), List.of("DISPLAY", "WAYLAND_DISPLAY"), 120);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("no display"), r.err());
        assertTrue(r.err().contains("./dmascope --xvfb"), r.err());
    }

    @Test
    void withADisplayTheWorkbenchReachesItsFirstFrame() throws Exception {
        String display = System.getenv("DISPLAY");
        Path workspace = Files.createTempDirectory("dmascope-workspace");
        Map<String, String> env = display == null
                ? Map.of("DMASCOPE_VMARGS", "-Ddmascope.startupProbe=true", "DMASCOPE_WORKSPACE", workspace.toString())
                : Map.of("DMASCOPE_VMARGS", "-Ddmascope.startupProbe=true", "DMASCOPE_WORKSPACE", workspace.toString(),
                        "DISPLAY", display);
        // Without a display of its own, the test starts the workbench on Xvfb, as a user would.
        Script.Result r = display == null ? Script.run(env, List.of(), 300, "--xvfb") : Script.run(env, List.of(), 300);
        assertEquals(0, r.status(), r.err());
        Matcher m = FIRST_FRAME.matcher(r.err());
        assertTrue(m.find(), r.err());
        long millis = Long.parseLong(m.group(1));
        Path report = Path.of("target", "startup.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, "first frame after " + millis + " ms (JVM start to painted window); script to exit "
                + r.millis() + " ms\n");
        assertTrue(millis > 0);
        // Without arguments: Live Debugging on built-in scenario (1), marked simulated, recorded.
        assertTrue(r.err().contains("dmascope: playing SIMULATED (1) GPUDirect RDMA: GPU memory freed while registered, "
                + "recording to " + workspace), r.err());
        // The first topology read: this machine's (the live host), or the scenario's recorded one
        // when its first step came first.
        long functions;
        try (var entries = Files.list(Path.of("/sys/bus/pci/devices"))) {
            functions = entries.count();
        }
        assertTrue(r.err().contains("dmascope: opened this machine: " + functions + " functions")
                || r.err().matches("(?s).*dmascope: opened .*\\(recorded in builtin-gpudirect-free-.*\\.dmatrace\\): "
                        + "\\d+ functions.*"), r.err());
    }

    @Test
    void openOnTheCommandLineReadsThatSource() throws Exception {
        Path file = Script.root().resolve("testdata/nccl-topo/azure-ndv4-topo.xml");
        Script.Result r = probe("open", file.toString());
        assertEquals(0, r.status(), r.err());
        // The NDv4 file: 4 switches (made up by NCCL's file) with 8 GPUs and 8 HCAs.
        assertTrue(r.err().contains("dmascope: opened " + file + ": 20 functions"), r.err());
    }

    @Test
    void openReportsBadInputAndAMissingFile() throws Exception {
        Path bad = Files.createTempFile("dmascope-bad", ".xml");
        Files.writeString(bad, "<system version=\"1\"><cpu numaid=\"0\"><pci busid=\"zz\"/></cpu></system>");
        Script.Result r = probe("open", bad.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("dmascope: cannot open " + bad + ": " + bad), r.err());
        Script.Result missing = Script.run(Map.of(), List.of(), 60, "open", "/no/such/topology.xml");
        assertEquals(2, missing.status(), missing.err());
        assertTrue(missing.err().contains("/no/such/topology.xml: no such file or directory"), missing.err());
    }

    // The workbench with the start-up probe, on the test's display or on Xvfb.
    private static Script.Result probe(String... args) throws Exception {
        String display = System.getenv("DISPLAY");
        Path workspace = Files.createTempDirectory("dmascope-workspace");
        Map<String, String> env = new java.util.HashMap<>(Map.of("DMASCOPE_VMARGS", "-Ddmascope.startupProbe=true",
                "DMASCOPE_WORKSPACE", workspace.toString()));
        if (display != null) {
            env.put("DISPLAY", display);
            return Script.run(env, List.of(), 300, args);
        }
        String[] withXvfb = new String[args.length + 1];
        withXvfb[0] = "--xvfb";
        System.arraycopy(args, 0, withXvfb, 1, args.length);
        return Script.run(env, List.of(), 300, withXvfb);
    }
}
