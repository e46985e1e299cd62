package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.peer.PathNode;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.peer.SmiClass;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.testing.TestData;
import org.dmascope.ui.graph.GraphLayout;
import org.dmascope.ui.graph.PathHighlight;
import org.dmascope.ui.graph.TopologyGraph;
import org.dmascope.ui.handlers.OpenLiveHostHandler;
import org.dmascope.ui.handlers.OpenSourceHandler;
import org.dmascope.ui.model.SourceRef;
import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.views.PeerMatrixCanvas;
import org.dmascope.ui.views.PeerMatrixView;
import org.dmascope.ui.views.TopologyView;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.Test;

/**
 * The Topology graph and the Peer Matrix on real topology files: every device is laid out
 * without overlaps, two clicks light up the path NCCL and the kernel take (the classes of the
 * published Azure NDv4 file: two GPUs below one switch are PIX, GPUs of two CPUs SYS), and a
 * matrix cell shows its path in the graph.
 */
class TopologyGraphTest {

    private static final String NDV4 = "nccl-topo/azure-ndv4-topo.xml";

    private TopologyView open(String file) throws Exception {
        IWorkbenchPage page = Ui.window().getActivePage();
        TopologyView view = (TopologyView) page.showView(TopologyView.ID);
        Path path = TestData.path(file);
        Ui.execute(OpenSourceHandler.COMMAND_ID, OpenSourceHandler.PATH_PARAMETER, path.toString());
        Ui.waitForTopologyReads();
        Ui.waitUntil("the graph of " + file, () -> view.canvas().graph() != null
                && Ui.session().current().map(s -> s.source().name().equals(path.toString())).orElse(false)
                && view.canvas().graph().graph().nodes().size() > 0
                && sameTopology(view));
        Ui.waitForPeerWork();
        return view;
    }

    private static boolean sameTopology(TopologyView view) {
        PciTopology t = Ui.session().current().orElseThrow().topology();
        return view.canvas().graph().graph().node(t.functions().get(0).address().toString()).isPresent();
    }

    @Test
    void everyDeviceIsLaidOutOnceWithoutOverlaps() throws Exception {
        TopologyView view = open("sysfs/40intel64-2g2n4c+pcilocality.tar.bz2");
        PciTopology t = Ui.session().current().orElseThrow().topology();
        GraphLayout.Placed placed = view.canvas().graph();
        TopologyGraph g = placed.graph();
        Set<String> expected = new HashSet<>();
        t.functions().forEach(f -> expected.add(f.address().toString()));
        t.hostBridges().forEach(h -> expected.add(h.sysfsName()));
        Set<String> cpus = new HashSet<>();
        for (HostBridge h : t.hostBridges()) {
            if (h.numaNode() >= 0) {
                cpus.add(new PathNode.Cpu(h.numaNode()).id());
            }
        }
        expected.addAll(cpus);
        t.numaNodes().forEach(n -> expected.add(new PathNode.Cpu(n.id()).id()));
        assertEquals(4, t.numaNodes().size(), "node0 to node3 in the snapshot's devices/system/node");
        Set<String> shown = new HashSet<>();
        g.nodes().forEach(n -> shown.add(n.id()));
        assertEquals(expected, shown);
        // Each function hangs from its parent bridge (or its host bridge), as in the PCI tree.
        for (PciFunction f : t.functions()) {
            String parent = t.parent(f).map(p -> p.address().toString())
                    .orElseGet(() -> t.hostBridge(f).orElseThrow().sysfsName());
            assertTrue(g.edge(parent, f.address().toString()).isPresent(), f.address() + " below " + parent);
        }
        List<TopologyGraph.Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            double[] a = placed.boxes().get(nodes.get(i).id());
            for (int j = i + 1; j < nodes.size(); j++) {
                double[] b = placed.boxes().get(nodes.get(j).id());
                boolean apart = a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1];
                assertTrue(apart, nodes.get(i).id() + " overlaps " + nodes.get(j).id());
            }
        }
        // Siblings left to right in address order, as lspci and the PCI Tree list them.
        for (PciFunction f : t.functions()) {
            List<PciFunction> children = t.children(f.address());
            for (int i = 0; i + 1 < children.size(); i++) {
                double[] left = placed.boxes().get(children.get(i).address().toString());
                double[] right = placed.boxes().get(children.get(i + 1).address().toString());
                assertTrue(left[0] < right[0], children.get(i).address() + " left of " + children.get(i + 1).address());
            }
        }
        // A parent is drawn above its children.
        for (TopologyGraph.Edge e : g.edges()) {
            if (e.kind() == TopologyGraph.EdgeKind.PCI) {
                assertTrue(placed.boxes().get(e.from())[1] < placed.boxes().get(e.to())[1], e.toString());
            }
        }
        Ui.screenshot(Ui.window().getShell(), "topology-graph-snapshot");
    }

    @Test
    void theLiveHostsGraphHasExactlyTheFunctionsInSysfs() throws Exception {
        IWorkbenchPage page = Ui.window().getActivePage();
        TopologyView view = (TopologyView) page.showView(TopologyView.ID);
        Ui.execute(OpenLiveHostHandler.COMMAND_ID);
        Ui.waitForTopologyReads();
        Ui.waitUntil("the live host's graph", () -> view.canvas().graph() != null
                && Ui.session().current().map(s -> s.source().kind() == SourceRef.Kind.LIVE).orElse(false)
                && sameTopology(view));
        Set<String> functions = new HashSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/sys/bus/pci/devices"))) {
            dir.forEach(e -> functions.add(e.getFileName().toString()));
        }
        Set<String> shown = new HashSet<>();
        for (TopologyGraph.Node n : view.canvas().graph().graph().nodes()) {
            if (n.kind() == TopologyGraph.NodeKind.FUNCTION) {
                shown.add(n.id());
            }
        }
        assertEquals(functions, shown);
        Ui.screenshot(Ui.window().getShell(), "topology-graph-live");
    }

    @Test
    void twoClicksLightUpThePathWithNcclsAndTheKernelsAnswers() throws Exception {
        TopologyView view = open(NDV4);
        String gpu = "0003:00:00.0";
        String nic = "0004:00:00.0";
        // Two of the Azure NDv4 file's A100s below one PCIe switch (nvidia-smi PIX).
        view.canvas().fit();
        view.canvas().reveal(gpu);
        Ui.settle();
        view.canvas().click(gpu, false);
        assertNull(view.pair(), "one device is not a pair");
        assertEquals(List.of(gpu), view.canvas().selection());
        view.canvas().reveal(nic);
        Ui.settle();
        view.canvas().click(nic, true);
        PeerPair pair = view.pair();
        assertNotNull(pair, "Ctrl+click on a second device asks for the path");
        assertEquals(PciAddress.parse(gpu), pair.a().address());
        assertEquals(PciAddress.parse(nic), pair.b().address());
        assertEquals(NcclPathType.PIX, pair.nccl().type());
        assertEquals(SmiClass.PIX, pair.smi().smiClass());
        assertEquals(P2pMapType.BUS_ADDR, pair.kernel().mapType());
        PathHighlight h = view.canvas().highlight();
        assertNotNull(h);
        assertEquals(pair.kernel().route().stream().map(PathNode::id).toList(), h.kernelRoute());
        assertEquals(gpu, h.kernelRoute().get(0));
        assertEquals(nic, h.kernelRoute().get(h.kernelRoute().size() - 1));
        // Every hop of the route is an edge of the graph: the path is drawn along the tree.
        for (int i = 0; i + 1 < h.kernelRoute().size(); i++) {
            assertTrue(view.canvas().graph().graph().edge(h.kernelRoute().get(i), h.kernelRoute().get(i + 1)).isPresent(),
                    "hop " + h.kernelRoute().get(i) + " -> " + h.kernelRoute().get(i + 1));
        }
        String details = view.detailsText();
        assertTrue(details.contains("NCCL:        PIX"), details);
        assertTrue(details.contains("PCI_P2PDMA_MAP_BUS_ADDR"), details);
        IStructuredSelection selection = (IStructuredSelection) view.getSite().getSelectionProvider().getSelection();
        assertEquals(pair, selection.getFirstElement(), "the pair is the view's selection, for Properties");
        view.canvas().zoomBy(1 / view.canvas().zoom());
        view.canvas().reveal(gpu);
        Ui.screenshot(Ui.window().getShell(), "topology-graph-path");
    }

    @Test
    void aMatrixCellShowsItsPathInTheGraph() throws Exception {
        TopologyView graph = open(NDV4);
        IWorkbenchPage page = Ui.window().getActivePage();
        PeerMatrixView matrix = (PeerMatrixView) page.showView(PeerMatrixView.ID);
        Ui.waitUntil("the peer matrix", () -> matrix.canvas().matrix() != null
                && matrix.canvas().matrix().endpoints().stream().anyMatch(f -> f.address().toString().equals("0003:00:00.0")));
        List<PciFunction> endpoints = matrix.canvas().matrix().endpoints();
        // The NDv4: 8 A100 GPUs and 8 InfiniBand HCAs, GPUs first as nvidia-smi lists them.
        assertEquals(16, endpoints.size());
        int gpu = indexOf(endpoints, "0003:00:00.0");
        int sameSwitch = indexOf(endpoints, "0004:00:00.0");
        int hca = indexOf(endpoints, "0103:00:00.0");
        int otherCpu = indexOf(endpoints, "0001:00:00.0");
        assertTrue(gpu < 8 && sameSwitch < 8 && otherCpu < 8 && hca >= 8, "GPUs first, then NICs");
        assertEquals("X", matrix.canvas().cellText(gpu, gpu));
        assertEquals("PIX", matrix.canvas().cellText(gpu, sameSwitch));
        assertEquals("PIX", matrix.canvas().cellText(gpu, hca));
        assertEquals("SYS", matrix.canvas().cellText(gpu, otherCpu));
        matrix.setMode(PeerMatrixCanvas.Mode.NCCL);
        assertEquals("PIX", matrix.canvas().cellText(gpu, sameSwitch));
        assertEquals("SYS", matrix.canvas().cellText(gpu, otherCpu));
        matrix.setMode(PeerMatrixCanvas.Mode.KERNEL);
        // Below one switch: bus addresses. Across CPUs: the file names AMD family 0x17 (Zen),
        // whose host bridges the kernel trusts.
        assertEquals("BUS " + matrix.decision(gpu, sameSwitch).distance(), matrix.canvas().cellText(gpu, sameSwitch));
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, matrix.decision(gpu, otherCpu).mapType());
        assertTrue(matrix.canvas().cellText(gpu, otherCpu).startsWith("HB "), matrix.canvas().cellText(gpu, otherCpu));
        matrix.canvas().click(gpu, otherCpu);
        Ui.waitUntil("the cell's pair in the graph", () -> graph.pair() != null
                && graph.pair().a().address().toString().equals("0003:00:00.0")
                && graph.pair().b().address().toString().equals("0001:00:00.0"));
        PathHighlight h = graph.canvas().highlight();
        assertNotNull(h);
        assertTrue(h.routesDiffer(), "NCCL goes through the CPUs, the kernel through the host bridges");
        assertTrue(h.ncclRoute().contains("cpu0") && h.ncclRoute().contains("cpu1"), h.ncclRoute().toString());
        Rectangle cell = matrix.canvas().cellBounds(gpu, otherCpu);
        assertTrue(cell.width > 0 && cell.height > 0);
        matrix.setMode(PeerMatrixCanvas.Mode.SMI);
        Ui.screenshot(Ui.window().getShell(), "peer-matrix");
        assertTrue(Sessions.peers(Ui.window()).current().isPresent());
    }

    private static int indexOf(List<PciFunction> endpoints, String bdf) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).address().toString().equals(bdf)) {
                return i;
            }
        }
        throw new AssertionError(bdf + " is not among the matrix's endpoints " + endpoints.stream()
                .map(f -> f.address().toString()).toList());
    }
}
