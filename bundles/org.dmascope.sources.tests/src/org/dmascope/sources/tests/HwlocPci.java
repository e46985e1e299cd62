package org.dmascope.sources.tests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The PCI objects of an hwloc XML topology (the oracle for the sysfs snapshots): each PCI
 * device and PCI bridge with its IDs, its parent bridge and, for bridges, its bus range.
 */
final class HwlocPci {

    /** One PCI object as hwloc wrote it. */
    record Obj(String busId, boolean bridge, int classCode, int vendor, int device, int subVendor, int subDevice,
            int revision, int progIf, String parent, int secondary, int subordinate, double linkGBps) {
    }

    // "0604 [8086:340a] [0000:0000] 22 00": class, vendor:device, subvendor:subdevice, revision, prog-if.
    private static final Pattern PCI_TYPE = Pattern.compile(
            "([0-9a-f]{4}) \\[([0-9a-f]{4}):([0-9a-f]{4})\\] \\[([0-9a-f]{4}):([0-9a-f]{4})\\] ([0-9a-f]{2}) ([0-9a-f]{2})");
    private static final Pattern RANGE = Pattern.compile("[0-9a-f]{4}:\\[([0-9a-f]{2})-([0-9a-f]{2})\\]");

    private HwlocPci() {
    }

    /** PCI objects by bus ID, in document order. */
    static Map<String, Obj> read(Path xml) throws IOException, XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        Map<String, Obj> out = new LinkedHashMap<>();
        // Bus ID of each open <object> that is a PCI bridge; "" for any other object.
        Deque<String> open = new ArrayDeque<>();
        try (InputStream in = Files.newInputStream(xml)) {
            XMLStreamReader r = factory.createXMLStreamReader(in);
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.START_ELEMENT && r.getLocalName().equals("object")) {
                    String type = r.getAttributeValue(null, "type");
                    String busId = r.getAttributeValue(null, "pci_busid");
                    boolean pci = ("PCIDev".equals(type) || "Bridge".equals(type)) && busId != null;
                    if (pci) {
                        Matcher t = PCI_TYPE.matcher(r.getAttributeValue(null, "pci_type"));
                        if (!t.matches()) {
                            throw new IOException(xml + ": pci_type not understood: " + r.getAttributeValue(null, "pci_type"));
                        }
                        int sec = -1;
                        int sub = -1;
                        String range = r.getAttributeValue(null, "bridge_pci");
                        if (range != null) {
                            Matcher m = RANGE.matcher(range);
                            if (m.matches()) {
                                sec = Integer.parseInt(m.group(1), 16);
                                sub = Integer.parseInt(m.group(2), 16);
                            }
                        }
                        String parent = open.stream().filter(s -> !s.isEmpty()).findFirst().orElse(null);
                        String speed = r.getAttributeValue(null, "pci_link_speed");
                        out.put(busId, new Obj(busId, "Bridge".equals(type), hex(t.group(1)), hex(t.group(2)),
                                hex(t.group(3)), hex(t.group(4)), hex(t.group(5)), hex(t.group(6)), hex(t.group(7)),
                                parent, sec, sub, speed == null ? 0 : Double.parseDouble(speed)));
                    }
                    open.push("Bridge".equals(type) && busId != null ? busId : "");
                } else if (event == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("object")) {
                    open.pop();
                }
            }
        }
        return out;
    }

    private static int hex(String s) {
        return Integer.parseInt(s, 16);
    }
}
