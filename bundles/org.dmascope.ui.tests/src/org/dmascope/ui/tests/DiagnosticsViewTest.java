package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.dmascope.diagnose.doctor.Finding;
import org.dmascope.testing.TestData;
import org.dmascope.ui.handlers.OpenSourceHandler;
import org.dmascope.ui.views.DiagnosticsView;
import org.dmascope.ui.views.TopologyView;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.Test;

/**
 * The Diagnostics view on Azure's published NDv2 topology (one InfiniBand HCA on NUMA node 0,
 * four V100s on each node): the doctor's findings are listed, and selecting the finding of a GPU
 * without a local NIC shows its evidence and lights up the GPU-NIC path in the Topology view.
 */
class DiagnosticsViewTest {

    @Test
    void selectingAFindingShowsItsEvidenceAndItsPathInTheTopology() throws Exception {
        IWorkbenchPage page = Ui.window().getActivePage();
        TopologyView topology = (TopologyView) page.showView(TopologyView.ID);
        DiagnosticsView view = (DiagnosticsView) page.showView(DiagnosticsView.ID);
        Path ndv2 = TestData.path("nccl-topo/azure-ndv2-topo.xml");
        Ui.execute(OpenSourceHandler.COMMAND_ID, OpenSourceHandler.PATH_PARAMETER, ndv2.toString());
        Ui.waitForTopologyReads();
        Ui.waitForPeerWork();
        Ui.waitUntil("the doctor's findings on NDv2", () -> {
            join();
            return view.findings().stream().anyMatch(f -> f.check().equals("numa-locality")
                    && f.devices().contains("0005:00:00.0"));
        });
        List<Finding> findings = view.findings();
        assertTrue(findings.size() >= 10, findings.toString());
        int row = -1;
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            if (f.check().equals("numa-locality") && f.devices().get(0).equals("0005:00:00.0")) {
                row = i;
            }
        }
        assertTrue(row >= 0);
        page.activate(view);
        view.select(row);
        Ui.settle();
        assertTrue(view.detailsText().startsWith("[warn] numa-locality: every NIC is on another NUMA node or socket than"
                + " GPU 0005:00:00.0"), view.detailsText());
        assertTrue(view.detailsText().contains("evidence: 0005:00:00.0 NUMA node 1, 0101:00:00.0 NUMA node 0: SYS"),
                view.detailsText());
        assertNotNull(topology.pair(), "the Topology view shows the finding's path");
        assertEquals("0005:00:00.0", topology.pair().a().address().toString());
        assertEquals("0101:00:00.0", topology.pair().b().address().toString());
        assertNotNull(topology.canvas().highlight());
        assertTrue(topology.detailsText().contains("SYS"), topology.detailsText());
        Path png = Ui.screenshot(Ui.window().getShell(), "diagnostics");
        assertTrue(Files.size(png) > 0);
    }

    private static void join() {
        try {
            Job.getJobManager().join(DiagnosticsView.FAMILY, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
