package org.dmascope.sources.hwloc;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.dmascope.core.source.InputException;
import org.dmascope.sources.xml.SecureXml;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads an hwloc XML file into its object tree, in one pass with a secure StAX reader. Checks
 * the format's version (2.x and 3.x; 1.x files have no {@code version} attribute) and the
 * document's shape; what the objects mean is the importer's business.
 */
final class HwlocXmlReader {

    /** The name hwloc gives its matrix of NVLink bandwidths. */
    static final String NVLINK_BANDWIDTH = "NVLinkBandwidth";

    // hwloc nests a few dozen levels at most; a limit keeps the tree walks' recursion bounded.
    private static final int MAX_DEPTH = 256;
    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final XMLStreamReader reader;
    private final String name;
    private final long size;
    private final SubMonitor progress;
    private int reported;

    private final Deque<String> elements = new ArrayDeque<>();
    private final Deque<HwlocObject> objects = new ArrayDeque<>();
    private final Map<String, String> topologyInfos = new LinkedHashMap<>();
    private final List<HwlocDistances> nvLinks = new ArrayList<>();
    private final Map<Long, HwlocObject> byGpIndex = new HashMap<>();
    private final List<HwlocObject> numaNodes = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private int major = -1;
    private int minor = -1;
    private @Nullable HwlocObject root;
    private @Nullable String rootPlace;
    private @Nullable Matrix matrix;

    /** A distances matrix being read. */
    private static final class Matrix {
        final Map<String, String> attributes;
        final String place;
        final List<String> indexes = new ArrayList<>();
        final List<String> values = new ArrayList<>();

        Matrix(Map<String, String> attributes, String place) {
            this.attributes = attributes;
            this.place = place;
        }
    }

    private HwlocXmlReader(XMLStreamReader reader, String name, long size, SubMonitor progress) {
        this.reader = reader;
        this.name = name;
        this.size = size;
        this.progress = progress;
    }

    /**
     * Reads a file.
     *
     * @throws InputException for malformed XML, a file that is not an hwloc topology, a version
     *                        this reader does not know, naming the line and column
     */
    static HwlocDocument read(Path file, String name, IProgressMonitor monitor) throws InputException {
        SubMonitor progress = SubMonitor.convert(monitor, 100);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            long size = Files.size(file);
            XMLStreamReader r = SecureXml.open(in);
            try {
                return new HwlocXmlReader(r, name, size, progress).document();
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            throw SecureXml.malformed(name, e);
        } catch (IOException e) {
            throw new InputException(name, null, "cannot read: " + e.getMessage(), e);
        }
    }

    private HwlocDocument document() throws XMLStreamException, InputException {
        int events = 0;
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                start();
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                end();
            }
            if (++events % 512 == 0) {
                advance();
            }
        }
        HwlocObject top = root;
        if (major < 0) {
            throw new InputException(name, null, "not an hwloc topology: the file has no elements");
        }
        if (top == null) {
            throw new InputException(name, rootPlace, "the topology has no root <object>");
        }
        return new HwlocDocument(major, minor, top, topologyInfos, nvLinks, byGpIndex, numaNodes, warnings);
    }

    private void advance() {
        if (progress.isCanceled()) {
            throw new OperationCanceledException();
        }
        Location location = reader.getLocation();
        long offset = location == null ? -1 : location.getCharacterOffset();
        if (offset > 0 && size > 0) {
            int done = (int) Math.min(100, offset * 100 / size);
            if (done > reported) {
                progress.split(done - reported);
                reported = done;
            }
        }
    }

    private void start() throws XMLStreamException, InputException {
        String tag = reader.getLocalName();
        String place = SecureXml.place(reader);
        if (elements.isEmpty()) {
            rootPlace = place;
            topology(tag, place);
            elements.push(tag);
            return;
        }
        if (elements.size() >= MAX_DEPTH) {
            throw new InputException(name, place, "elements nested deeper than " + MAX_DEPTH + " levels");
        }
        String parentTag = elements.peek();
        Matrix m = matrix;
        switch (tag) {
            case "object" -> object(parentTag, place);
            case "info" -> info(parentTag);
            case "distances2", "distances2hetero" -> {
                if ("topology".equals(parentTag) && NVLINK_BANDWIDTH.equals(reader.getAttributeValue(null, "name"))) {
                    matrix = new Matrix(attributes(), place);
                }
            }
            case "indexes", "u64values" -> {
                if (m != null && elements.size() == 2) {
                    // Reads up to and with the end tag, so the element is not pushed.
                    String text = reader.getElementText().strip();
                    List<String> tokens = text.isEmpty() ? List.of() : Arrays.asList(WHITESPACE.split(text));
                    (tag.equals("indexes") ? m.indexes : m.values).addAll(tokens);
                    return;
                }
            }
            default -> {
                // support, memattr, cpukind, pci_locality, page_type, userdata: not needed.
            }
        }
        elements.push(tag);
    }

    private void end() {
        String tag = elements.pop();
        if (tag.equals("object")) {
            objects.pop();
        } else if (elements.size() == 1 && (tag.equals("distances2") || tag.equals("distances2hetero"))) {
            Matrix m = matrix;
            if (m != null) {
                nvLinks.add(new HwlocDistances(NVLINK_BANDWIDTH,
                        tag.equals("distances2") ? m.attributes.getOrDefault("type", "") : null,
                        m.attributes.getOrDefault("indexing", tag.equals("distances2") ? "" : "gp"),
                        parseCount(m.attributes.get("nbobjs")), m.indexes, m.values, m.place));
            }
            matrix = null;
        }
    }

    private static int parseCount(@Nullable String text) {
        if (text == null) {
            return -1;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // The root element: <topology version="2.0"> (hwloc 2.x) or "3.0"; hwloc 1.x wrote no version.
    private void topology(String tag, String place) throws InputException {
        if (!tag.equals("topology")) {
            throw new InputException(name, place, "not an hwloc topology: the root element is <" + tag
                    + ">, not <topology>");
        }
        String version = reader.getAttributeValue(null, "version");
        if (version == null) {
            throw new InputException(name, place, "an hwloc 1.x topology (<topology> without a version):"
                    + " DMA Scope reads hwloc 2.x and 3.0 XML; convert it with hwloc 2.x:"
                    + " lstopo --input <old.xml> --whole-io <new.xml>");
        }
        Matcher m = VERSION.matcher(version.trim());
        if (!m.matches()) {
            throw new InputException(name, place, "hwloc XML version '" + version + "' not understood");
        }
        major = Integer.parseInt(m.group(1));
        minor = Integer.parseInt(m.group(2));
        if (major < 2) {
            throw new InputException(name, place, "hwloc XML version " + version
                    + " is too old: DMA Scope reads 2.x and 3.0; convert it with hwloc 2.x:"
                    + " lstopo --input <old.xml> --whole-io <new.xml>");
        }
        if (major > 3) {
            throw new InputException(name, place, "hwloc XML version " + version
                    + " is newer than DMA Scope knows (2.x and 3.0)");
        }
    }

    private void object(String parentTag, String place) throws InputException {
        HwlocObject parent = objects.peek();
        if (parentTag.equals("topology")) {
            if (root != null) {
                throw new InputException(name, place, "a second root <object>; an hwloc topology has one");
            }
        } else if (!parentTag.equals("object")) {
            throw new InputException(name, place, "<object> inside <" + parentTag + ">");
        }
        Map<String, String> attributes = attributes();
        String type = attributes.get("type");
        if (type == null || type.isBlank()) {
            throw new InputException(name, place, "<object> without a type");
        }
        HwlocObject o = new HwlocObject(type, place, parent, attributes);
        if (parent == null) {
            root = o;
        }
        objects.push(o);
        Long gp = gpIndex(attributes);
        if (gp != null && byGpIndex.putIfAbsent(gp, o) != null) {
            warnings.add(place + ": gp_index " + gp + " given twice (first to " + byGpIndex.get(gp)
                    + "); NVLinks that name it use the first");
        }
        if (type.equals("NUMANode")) {
            numaNodes.add(o);
        }
    }

    // gp_index in 2.x and 3.0; 3.0 also writes id="objN" with the same number.
    private static @Nullable Long gpIndex(Map<String, String> attributes) {
        String gp = attributes.get("gp_index");
        String id = attributes.get("id");
        try {
            if (gp != null) {
                return Long.valueOf(gp.trim());
            }
            if (id != null && id.startsWith("obj")) {
                return Long.valueOf(id.substring(3));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private void info(String parentTag) {
        String infoName = reader.getAttributeValue(null, "name");
        String value = reader.getAttributeValue(null, "value");
        if (infoName == null || value == null) {
            return;
        }
        HwlocObject current = objects.peek();
        if (parentTag.equals("object") && current != null) {
            current.addInfo(infoName, value);
        } else if (parentTag.equals("topology")) {
            topologyInfos.putIfAbsent(infoName, value);
        }
    }

    private Map<String, String> attributes() {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            map.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
        }
        return map;
    }
}
