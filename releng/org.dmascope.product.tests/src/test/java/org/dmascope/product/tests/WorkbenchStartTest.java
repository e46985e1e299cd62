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
 * painted frame (the start-up probe reports the time and closes it); without one it says so
 * and how to proceed.
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
    }
}
