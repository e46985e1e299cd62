package org.dmascope.ui.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.core.peer.PathNode;
import org.dmascope.ui.graph.TopologyGraph.Edge;
import org.dmascope.ui.graph.TopologyGraph.EdgeKind;
import org.dmascope.ui.graph.TopologyGraph.Node;
import org.eclipse.elk.alg.layered.options.CrossingMinimizationStrategy;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Lays a topology graph out with the Eclipse Layout Kernel's layered algorithm: top down, CPUs
 * above host bridges above the PCI hierarchy, orthogonal edges, siblings in address order. The
 * NVLinks take part in the layout, so GPUs joined by them are kept close. Pure computation: run
 * it off the UI thread for large machines.
 */
public final class GraphLayout {

    /** A node's box. */
    public static final double NODE_WIDTH = 176;
    /** A node's box. */
    public static final double NODE_HEIGHT = 44;

    /**
     * A placed graph.
     *
     * @param graph  the graph
     * @param boxes  each node's box: x, y, width, height
     * @param routes each edge's polyline (x0, y0, x1, y1, ...), by edge index; NVLinks between
     *               two GPUs are drawn as curves between their nodes and have none (null)
     * @param width  the extent
     * @param height the extent
     */
    public record Placed(TopologyGraph graph, Map<String, double[]> boxes, List<double[]> routes, double width,
            double height) {

        /** The node whose box contains the point, or null. */
        public Node nodeAt(double x, double y) {
            for (Node n : graph.nodes()) {
                double[] b = boxes.get(n.id());
                if (b != null && x >= b[0] && x <= b[0] + b[2] && y >= b[1] && y <= b[1] + b[3]) {
                    return n;
                }
            }
            return null;
        }
    }

    private static boolean registered;

    private GraphLayout() {
    }

    // Inside OSGi, ELK's service loader cannot see the algorithm bundles: register layered here.
    private static synchronized void register() {
        if (!registered) {
            LayoutMetaDataService service = LayoutMetaDataService.getInstance();
            if (service.getAlgorithmData(LayeredOptions.ALGORITHM_ID) == null) {
                service.registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
            }
            registered = true;
        }
    }

    /** Places the graph's nodes and routes its edges. */
    public static Placed layout(TopologyGraph graph) {
        register();
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(24));
        root.setProperty(LayeredOptions.SPACING_NODE_NODE, 18.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 36.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 12.0);
        // Nodes come depth first in address order, so each layer is already in the order lspci
        // and the PCI Tree list it and a tree has no crossings: no crossing minimisation. (Its
        // model-order options keep the order too, but take 20 s instead of 0.3 s for 2,400 nodes.)
        root.setProperty(LayeredOptions.CROSSING_MINIMIZATION_STRATEGY, CrossingMinimizationStrategy.NONE);
        root.setProperty(LayeredOptions.SEPARATE_CONNECTED_COMPONENTS, false);

        Map<String, ElkNode> elkNodes = new HashMap<>();
        for (Node n : graph.nodes()) {
            ElkNode e = ElkGraphUtil.createNode(root);
            e.setIdentifier(n.id());
            e.setDimensions(NODE_WIDTH, NODE_HEIGHT);
            elkNodes.put(n.id(), e);
        }
        List<ElkEdge> elkEdges = new ArrayList<>();
        for (Edge e : graph.edges()) {
            ElkNode from = elkNodes.get(e.from());
            ElkNode to = elkNodes.get(e.to());
            if (from == null || to == null) {
                elkEdges.add(null);
                continue;
            }
            // GPU-to-GPU NVLinks would pull GPUs into separate layers: they do not take part.
            boolean layered = e.kind() != EdgeKind.NVLINK || e.to().equals(new PathNode.NvSwitch().id());
            elkEdges.add(layered ? ElkGraphUtil.createSimpleEdge(from, to) : null);
        }
        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

        Map<String, double[]> boxes = new HashMap<>();
        for (Map.Entry<String, ElkNode> e : elkNodes.entrySet()) {
            ElkNode n = e.getValue();
            boxes.put(e.getKey(), new double[] {n.getX(), n.getY(), n.getWidth(), n.getHeight()});
        }
        List<double[]> routes = new ArrayList<>();
        for (int i = 0; i < graph.edges().size(); i++) {
            ElkEdge e = elkEdges.get(i);
            if (e == null || e.getSections().isEmpty()) {
                routes.add(null);
                continue;
            }
            ElkEdgeSection s = e.getSections().get(0);
            double[] points = new double[4 + 2 * s.getBendPoints().size()];
            int k = 0;
            points[k++] = s.getStartX();
            points[k++] = s.getStartY();
            for (ElkBendPoint b : s.getBendPoints()) {
                points[k++] = b.getX();
                points[k++] = b.getY();
            }
            points[k++] = s.getEndX();
            points[k] = s.getEndY();
            routes.add(points);
        }
        return new Placed(graph, boxes, routes, root.getWidth(), root.getHeight());
    }
}
