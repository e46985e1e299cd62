package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.dmascope.backend.gpudirect.GpuDirectSteps;
import org.dmascope.backend.hmm.HmmSteps;
import org.dmascope.backend.hmm.OdpSteps;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.TopologyLoader;
import org.dmascope.scenario.steps.CoreSteps;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPUDirect and dma-buf scenario steps, the files in scenarios/gpudirect (one per case of
 * the issue), and every scenario file the project ships, run with every backend's steps.
 */
class ScenariosTest {

    static final StepKinds KINDS = new StepKinds(
            List.of(new CoreSteps(), new HmmSteps(), new OdpSteps(), new GpuDirectSteps()));
    static final TopologyLoader LOADER = (f, n) -> TopologySources.builtIn().open(f, n, new NullProgressMonitor());

    static Path root() {
        return TestData.path("").getParent().resolve("scenarios");
    }

    static Stream<String> allFiles() throws IOException {
        try (Stream<Path> s = Files.walk(root())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".scenario"))
                    .map(p -> root().relativize(p).toString()).sorted().toList().stream();
        }
    }

    static ScenarioResult run(String relative) throws ScenarioException {
        return new ScenarioRunner(KINDS, LOADER).run(root().resolve(relative), "scenarios/" + relative);
    }

    static StepOutcome first(ScenarioResult r, String textStart, int n) {
        return r.outcomes().stream().filter(o -> o.text().startsWith(textStart)).skip(n).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("allFiles")
    void everyShippedScenarioRunsAndHoldsItsExpectations(String file) throws ScenarioException {
        ScenarioResult r = run(file);
        assertEquals(List.of(), r.failedExpectations().stream().map(o -> o.line() + ": " + o.failed()).toList(), file);
        assertTrue(r.outcomes().stream().anyMatch(o -> o.kind().startsWith("expect")), file + " checks nothing");
    }

    @Test
    void everyGpuDirectCaseHasItsFile() throws IOException {
        assertEquals(List.of("gpudirect/dmabuf_dynamic.scenario", "gpudirect/dmabuf_pinned.scenario",
                "gpudirect/free_while_registered.scenario", "gpudirect/p2p_not_supported.scenario",
                "gpudirect/persistent_pages.scenario", "gpudirect/put_pages_after_callback.scenario"),
                allFiles().filter(f -> f.startsWith("gpudirect/")).toList());
    }

    @Test
    void freeingRegisteredMemoryRunsTheCallbackThenTheMrFails() throws ScenarioException {
        ScenarioResult r = run("gpudirect/free_while_registered.scenario");
        assertEquals("IBV_WC_SUCCESS", first(r, "gpu rdma mr 0 64", 0).rc());
        StepOutcome free = first(r, "gpu free buf", 0);
        List<String> events = List.of(free.values().get("events").split(","));
        assertTrue(events.indexOf("free_callback") < events.indexOf("mr_invalidated"), events.toString());
        assertTrue(events.lastIndexOf("mr_invalidated") < events.indexOf("dma_unmap"), events.toString());
        assertEquals("IBV_WC_REM_ACCESS_ERR", first(r, "gpu rdma mr 0 64", 1).rc());
    }

    @Test
    void putPagesAfterTheCallbackIsANoOp() throws ScenarioException {
        ScenarioResult r = run("gpudirect/put_pages_after_callback.scenario");
        StepOutcome put = first(r, "gpu put_pages t", 0);
        assertEquals("0", put.rc());
        assertEquals("none", put.values().get("events"));
        assertTrue(put.notes().get(0).contains("NV_ERR_OBJECT_NOT_FOUND"), put.notes().toString());
        assertEquals("-EINVAL", first(r, "gpu get_pages bad", 0).rc(), "64 KiB alignment");
    }

    @Test
    void p2pIsRefusedOnANotSupportedPath() throws ScenarioException {
        ScenarioResult r = run("gpudirect/p2p_not_supported.scenario");
        StepOutcome refused = first(r, "dmabuf reg_mr refused", 0);
        assertEquals("-EREMOTEIO", refused.rc());
        assertEquals("NOT_SUPPORTED", refused.values().get("map_type"));
    }

    @Test
    void moveNotifyUnmapsADynamicAttachmentAndThePinnedOneStays() throws ScenarioException {
        ScenarioResult d = run("gpudirect/dmabuf_dynamic.scenario");
        StepOutcome after = first(d, "dmabuf rdma u", 1);
        assertEquals("true", after.values().get("faulted"));
        assertEquals("0x38000100000", after.values().get("dma"), "the new place in BAR1");
        ScenarioResult p = run("gpudirect/dmabuf_pinned.scenario");
        assertEquals("-EBUSY", first(p, "dmabuf move b", 0).rc());
    }

    @Test
    void gpuStepsNeedATopologyAndRefuseBadWords() {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> new ScenarioRunner(KINDS, LOADER).run(new ScenarioParser(KINDS)
                        .parse(List.of("gpu add g0 0000:06:00.0"), "t.scenario"), root()));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("no topology"), e.getMessage());
        e = assertThrows(ScenarioException.class, () -> new ScenarioParser(KINDS)
                .parse(List.of("process p", "gpu dma_map m t 06:00.0x"), "t.scenario"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("PCI address"), e.getMessage());
    }
}
