package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** {@code dmascope scenario run FILE [--json]}: the outcome of every step, exit 0 when it ran, 2 for a bad file. */
class ScenarioCommandTest {

    private static Path shipped(String name) {
        return TestData.path("").getParent().resolve("scenarios/hmm").resolve(name);
    }

    @Test
    void aShippedScenarioRunsWithTheHmmSteps() {
        CliRun r = CliRun.of("scenario", "run", shipped("snapshot.device_private.scenario").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("scenario snapshot ("), r.out());
        assertTrue(r.out().contains("-> 0  cpages=7  faults=0  retries=0  hmm_range_fault=1  perm=ff*2,11,01,02,22,00"),
                r.out());
        assertTrue(r.out().contains("device-private dev1 rw  pfn 0x41000000"), r.out());
        assertTrue(r.out().contains("why: hmm_vma_walk_test: no VM_READ"), r.out());
        assertTrue(r.out().endsWith("3 expectations, all held\n"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void jsonHasEveryStep() {
        CliRun r = CliRun.of("scenario", "run", "--json", shipped("anon_write_prot.device_private.scenario").toString());
        assertEquals(0, r.status(), r.err());
        JsonObject doc = r.json();
        assertEquals("anon_write_prot", doc.get("scenario").getAsString());
        JsonArray steps = doc.getAsJsonArray("steps");
        JsonObject eperm = null;
        for (int i = 0; i < steps.size(); i++) {
            JsonObject s = steps.get(i).getAsJsonObject();
            if (s.get("rc").getAsString().equals("-EPERM")) {
                eperm = s;
            }
        }
        assertTrue(eperm != null, "the write to the read-only mapping");
        assertEquals("dmirror", eperm.get("kind").getAsString());
        assertTrue(eperm.getAsJsonArray("notes").toString().contains("without VM_WRITE: -EPERM"));
        JsonObject firstPage = steps.get(4).getAsJsonObject().getAsJsonArray("pages").get(0).getAsJsonObject();
        assertEquals("0x7f0000000000", firstPage.get("start").getAsString());
        assertEquals(0, doc.getAsJsonObject("expectations").get("failed").getAsInt());
        assertTrue(doc.getAsJsonObject("expectations").get("total").getAsInt() >= 6);
    }

    @Test
    void failedExpectationsAreOutcomesAndExitZero(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.scenario");
        Files.writeString(f, "process p\nmmap p buf 4K r private anon\ntouch p buf 4K write\nexpect rc=0\n");
        CliRun r = CliRun.of("scenario", "run", f.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("-> SIGSEGV"), r.out());
        assertTrue(r.out().contains("-> FAILED\n             rc is SIGSEGV, expected 0"), r.out());
        assertTrue(r.out().endsWith("1 expectations, 1 failed\n"), r.out());
    }

    @Test
    void aMalformedFileIsExitTwoWithItsLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.scenario");
        Files.writeString(f, "# a comment\nprocess p\ndevice dev0 private\ndmirror read m0 buf 0\n");
        CliRun r = CliRun.of("scenario", "run", f.toString());
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertEquals("dmascope: " + f + ": line 4: dmirror: NPAGES must be at least 1\n", r.err());
        CliRun missing = CliRun.of("scenario", "run", dir.resolve("none.scenario").toString());
        assertEquals(2, missing.status());
        assertEquals("dmascope: " + dir.resolve("none.scenario") + ": no such file\n", missing.err());
        Path run = dir.resolve("run.scenario");
        Files.writeString(run, "process p\ndmirror open m0 dev9 p\n");
        CliRun unknown = CliRun.of("scenario", "run", run.toString());
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("dmascope: " + run + ": line 2: dmirror: no device named 'dev9'"),
                unknown.err());
    }

    @Test
    void anInlineTopologyIsReadByTheImporters(@TempDir Path dir) throws IOException {
        Path topo = TestData.path("nccl-topo/aws-p4d-24xl-topo.xml");
        Path f = dir.resolve("t.scenario");
        Files.writeString(f, "topology " + topo + "\ntopology inline\n" + Files.readString(topo) + "end\n");
        CliRun r = CliRun.of("scenario", "run", f.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("line 1    topology " + topo), r.out());
        String functions = r.out().lines().filter(l -> l.contains("functions=")).findFirst().orElse("");
        assertTrue(functions.contains("-> -  functions="), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.equals(functions)).count(), "both give the same machine");
    }

    @Test
    void registerMrResolvesTheChainThroughTheInstalledBackends(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("mr.scenario");
        Files.writeString(f, "device dev0 private\nprocess p\ndmirror open m0 dev0 p\nmmap p buf 16K rw private anon\n"
                + "touch p buf 16K write\nregister_mr p buf 16K\ndmirror migrate-to-dev m0 buf 4\nregister_mr p buf 16K\n");
        CliRun r = CliRun.of("scenario", "run", f.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("-> 0  backends=structpage  pinned=4  faulted=0  migrated=0"), r.out());
        assertTrue(r.out().contains("-> 0  backends=hmm  pinned=4  faulted=0  migrated=4"), r.out());
        assertTrue(r.out().contains("chain: pin: "), r.out());
    }

    @Test
    void traceWritesTheEventsOfTheRun(@TempDir Path dir) throws Exception {
        Path odp = TestData.path("").getParent().resolve("scenarios/odp/odp_subrange_invalidate.scenario");
        Path out = dir.resolve("run.dmatrace");
        CliRun r = CliRun.of("scenario", "run", odp.toString(), "--trace", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("expectations, all held"), r.out());
        java.util.List<String> types = new java.util.ArrayList<>();
        try (org.dmascope.trace.store.TraceReader reader = org.dmascope.trace.store.TraceReader.open(out)) {
            reader.events().forEachRemaining(e -> types.add(e.type().id()));
        }
        assertEquals("process_start", types.get(0));
        for (String k : java.util.List.of("vma_map", "mr_register", "hmm_range_fault", "notifier_invalidate_begin",
                "notifier_invalidate_end", "mr_deregister")) {
            assertTrue(types.contains(k), k + " missing in " + types);
        }
    }

    @Test
    void aTraceThatCannotBeWrittenIsExit2(@TempDir Path dir) {
        Path odp = TestData.path("").getParent().resolve("scenarios/odp/odp_retry.scenario");
        CliRun r = CliRun.of("scenario", "run", odp.toString(), "--trace", dir.resolve("no/such/dir/x.dmatrace").toString());
        assertEquals(2, r.status(), r.out());
        assertTrue(r.err().contains("cannot write the trace"), r.err());
    }
}
