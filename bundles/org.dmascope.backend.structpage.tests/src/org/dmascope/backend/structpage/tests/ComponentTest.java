package org.dmascope.backend.structpage.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.dmascope.backend.structpage.StructPageBackend;
import org.dmascope.core.backend.MemoryBackend;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The Declarative Services component the bundle declares: read from the bundle as SCR reads it
 * (the manifest's Service-Component header, the XML it names, the service and class in it), and
 * registered by Felix SCR, which Tycho starts in the test runtime.
 */
class ComponentTest {

    private static final String SCR_NAMESPACE = "http://www.osgi.org/xmlns/scr/v1.3.0";

    private static Element only(Element parent, String name) {
        NodeList list = parent.getElementsByTagNameNS("", name);
        if (list.getLength() == 0) {
            list = parent.getElementsByTagName(name);
        }
        assertEquals(1, list.getLength(), "one <" + name + ">");
        return (Element) list.item(0);
    }

    @Test
    void componentProvidesTheMemoryBackendService() throws IOException, SAXException, ParserConfigurationException,
            ReflectiveOperationException {
        Bundle bundle = FrameworkUtil.getBundle(StructPageBackend.class);
        assertNotNull(bundle, "the backend is loaded from an OSGi bundle");
        assertEquals("org.dmascope.backend.structpage", bundle.getSymbolicName());
        // SCR only looks at started bundles; Equinox starts lazy ones on their own.
        assertEquals("lazy", bundle.getHeaders("").get("Bundle-ActivationPolicy"));
        String path = bundle.getHeaders("").get("Service-Component");
        assertEquals("OSGI-INF/org.dmascope.backend.structpage.xml", path);
        URL url = bundle.getEntry(path);
        assertNotNull(url, path + " is in the bundle");

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc;
        try (InputStream in = url.openStream()) {
            doc = factory.newDocumentBuilder().parse(in);
        }
        Element root = doc.getDocumentElement();
        assertEquals(SCR_NAMESPACE, root.getNamespaceURI());
        assertEquals("component", root.getLocalName());
        assertEquals("org.dmascope.backend.structpage", root.getAttribute("name"));
        assertEquals(MemoryBackend.class.getName(), only(only(root, "service"), "provide").getAttribute("interface"));
        Element property = only(root, "property");
        assertEquals("dmascope.backend.id", property.getAttribute("name"));
        assertEquals("structpage", property.getAttribute("value"));
        String implementation = only(root, "implementation").getAttribute("class");
        assertEquals(StructPageBackend.class.getName(), implementation);

        // SCR loads the class through the bundle and needs a public no-argument constructor.
        Class<?> type = bundle.loadClass(implementation);
        assertTrue(MemoryBackend.class.isAssignableFrom(type));
        MemoryBackend backend = (MemoryBackend) type.getConstructor().newInstance();
        assertEquals("structpage", backend.id());
    }

    @Test
    void scrRegistersTheBackendAsAService() throws InterruptedException {
        Bundle tests = FrameworkUtil.getBundle(ComponentTest.class);
        assertNotNull(tests);
        BundleContext context = tests.getBundleContext();
        assertNotNull(context, "the test bundle is started");
        ServiceTracker<MemoryBackend, MemoryBackend> tracker = new ServiceTracker<>(context, MemoryBackend.class, null);
        tracker.open();
        try {
            MemoryBackend found = null;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (found == null && System.nanoTime() < deadline) {
                tracker.waitForService(100);
                ServiceReference<MemoryBackend>[] refs = tracker.getServiceReferences();
                for (int i = 0; refs != null && i < refs.length; i++) {
                    if ("structpage".equals(refs[i].getProperty("dmascope.backend.id"))) {
                        found = tracker.getService(refs[i]);
                    }
                }
            }
            assertNotNull(found, "Felix SCR registered the component's MemoryBackend service");
            assertEquals(StructPageBackend.class, found.getClass());
        } finally {
            tracker.close();
        }
    }
}
