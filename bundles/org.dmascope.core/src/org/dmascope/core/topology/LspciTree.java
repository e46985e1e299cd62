package org.dmascope.core.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.dmascope.core.pciids.PciNames;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Prints a topology the way {@code lspci -t} (pciutils 3.9) prints its tree, so that the output
 * can be compared with lspci's own, line for line.
 *
 * <p>lspci places functions on buses by bus number: a host pseudo-bridge owns bus 0000:00;
 * every PCI-to-PCI or CardBus bridge (class 06, header type 1 or 2) owns its secondary bus;
 * a function goes on the bus of the bridge whose range covers its bus number (the last such
 * bridge in address order), and on a new root bus when none does. When the source observed
 * each function's parent (live sysfs), a function goes directly below its parent bridge, as
 * lspci's sysfs back end does. Lines are drawn in a buffer that, after each line, keeps a
 * {@code |} under every unfinished branch and blanks everything else.
 */
public final class LspciTree {

    // lspci's line buffer is 1024 bytes; longer lines are cut and marked.
    private static final int LINE_LIMIT = 1023;

    private final PciNames names;
    private final boolean verbose;
    private final PciNames.Mode mode;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private final Map<PciAddress, Bridge> bridges = new HashMap<>();

    private LspciTree(PciNames names, boolean verbose, PciNames.Mode mode) {
        this.names = names;
        this.verbose = verbose;
        this.mode = mode;
    }

    /**
     * The tree as text, one line per printed line, each ending in a newline.
     *
     * @param topology   the functions
     * @param names      for {@code -v}: vendor and device names
     * @param verbose    whether device names follow the slots ({@code -tv})
     * @param mode       names, numbers or both ({@code -n}, {@code -nn})
     * @param useParents whether to place functions below the parent the source observed
     */
    public static String format(PciTopology topology, PciNames names, boolean verbose, PciNames.Mode mode,
            boolean useParents) {
        LspciTree printer = new LspciTree(names, verbose, mode);
        Bridge host = printer.build(topology, useParents);
        printer.showBridge(host, 0);
        return printer.out.toString();
    }

    /**
     * Places the functions of a source that carries no hierarchy (a config-space dump, lspci
     * text) where lspci places them: below the bridge whose bus they were routed onto, and on
     * the root bus that bridge chain starts from. A function no route reaches (a bridge whose
     * range covers its own bus) stays on its own bus, with a warning.
     */
    public static PciTopology placeByBusNumbers(PciTopology flat) {
        LspciTree printer = new LspciTree(new PciNames(org.dmascope.core.pciids.PciIds.empty()), false,
                PciNames.Mode.NAMES);
        Bridge host = printer.build(flat, false);
        Map<PciAddress, PciAddress> parents = new HashMap<>();
        Map<PciAddress, PciBus> roots = new HashMap<>();
        for (Bus bus : host.buses) {
            printer.place(bus, null, new PciBus(bus.domain, bus.number), parents, roots);
        }
        List<String> unplaced = new ArrayList<>();
        PciTopology placed = flat.rearrange(b -> {
            PciBus root = roots.get(b.address());
            if (root == null) {
                unplaced.add(b.address().toString());
                return b.parent(null).rootBus(b.address().pciBus());
            }
            return b.parent(parents.get(b.address())).rootBus(root);
        });
        if (unplaced.isEmpty()) {
            return placed;
        }
        return placed.withWarning("no bridge range reaches " + String.join(", ", unplaced)
                + "; shown on their own buses");
    }

    private void place(Bus bus, @Nullable PciAddress parent, PciBus root, Map<PciAddress, PciAddress> parents,
            Map<PciAddress, PciBus> roots) {
        for (PciFunction f : bus.devices) {
            if (roots.containsKey(f.address())) {
                continue; // reached twice: a bridge whose range loops back
            }
            roots.put(f.address(), root);
            if (parent != null) {
                parents.put(f.address(), parent);
            }
            Bridge b = bridges.get(f.address());
            if (b != null) {
                for (Bus below : b.buses) {
                    place(below, f.address(), root, parents, roots);
                }
            }
        }
    }

    private static final class Bus {
        final int domain;
        final int number;
        final List<PciFunction> devices = new ArrayList<>();

        Bus(int domain, int number) {
            this.domain = domain;
            this.number = number;
        }
    }

    private static final class Bridge {
        final int domain;
        final int secondary;
        final int subordinate;
        final @Nullable PciFunction device;
        final List<Bridge> children = new ArrayList<>();
        final List<Bus> buses = new ArrayList<>();

        Bridge(int domain, int secondary, int subordinate, @Nullable PciFunction device) {
            this.domain = domain;
            this.secondary = secondary;
            this.subordinate = subordinate;
            this.device = device;
        }

        @Nullable
        Bus bus(int busDomain, int number) {
            for (Bus b : buses) {
                if (b.domain == busDomain && b.number == number) {
                    return b;
                }
            }
            return null;
        }

        boolean covers(int busDomain, int number) {
            return domain == busDomain && secondary <= number && number <= subordinate;
        }
    }

    /** lspci's test: base class 06 and a bridge header (1) or CardBus header (2). */
    static boolean isLspciBridge(PciFunction f) {
        if ((f.classCode() >> 16 & 0xff) != 0x06) {
            return false;
        }
        if (f.headerType() >= 0) {
            return f.headerType() == ConfigSpace.HEADER_BRIDGE || f.headerType() == ConfigSpace.HEADER_CARDBUS;
        }
        // A source without config headers: its bus numbers say it is a bridge.
        return f.secondaryBus() >= 0;
    }

    private Bridge build(PciTopology topology, boolean useParents) {
        Bridge host = new Bridge(0, 0, -1, null);
        List<PciFunction> devices = topology.functions();
        List<Bridge> chain = new ArrayList<>();
        chain.add(host);
        for (PciFunction f : devices) {
            if (isLspciBridge(f)) {
                Bridge b = new Bridge(f.address().domain(), Math.max(f.secondaryBus(), 0), f.subordinateBus(), f);
                chain.add(b);
                bridges.put(f.address(), b);
            }
        }
        // Every bridge hangs below the host pseudo-bridge (its span of 0 always wins the
        // search), unless the source says which bridge it sits below. New children go first.
        for (Bridge b : chain) {
            if (b == host) {
                continue;
            }
            Bridge parent = host;
            PciFunction device = b.device;
            PciAddress parentAddress = device == null ? null : device.parent();
            if (useParents && parentAddress != null && bridges.containsKey(parentAddress)) {
                parent = bridges.get(parentAddress);
            }
            parent.children.add(0, b);
        }
        for (Bridge b : chain) {
            if (b.bus(b.domain, b.secondary) == null) {
                b.buses.add(new Bus(b.domain, b.secondary));
            }
        }
        for (PciFunction f : devices) {
            PciAddress parentAddress = f.parent();
            Bridge parent = useParents && parentAddress != null ? bridges.get(parentAddress) : null;
            if (parent != null) {
                parent.buses.get(0).devices.add(f);
            } else {
                route(f, host);
            }
        }
        return host;
    }

    private static void route(PciFunction f, Bridge b) {
        int domain = f.address().domain();
        int number = f.address().bus();
        Bus bus = b.bus(domain, number);
        if (bus != null) {
            bus.devices.add(f);
            return;
        }
        for (Bridge c : b.children) {
            if (c.covers(domain, number)) {
                route(f, c);
                return;
            }
        }
        Bus created = new Bus(domain, number);
        created.devices.add(f);
        b.buses.add(created);
    }

    private int write(int at, String text) {
        line.setLength(at);
        line.append(text);
        return line.length();
    }

    private void emit(int at) {
        line.setLength(at);
        if (line.length() >= LINE_LIMIT) {
            out.append(line, 0, LINE_LIMIT - 1).append("...");
        } else {
            out.append(line);
        }
        out.append('\n');
        for (int i = 0; i < at; i++) {
            char c = line.charAt(i);
            line.setCharAt(i, c == '+' || c == '|' ? '|' : ' ');
        }
    }

    private void showBridge(Bridge b, int at) {
        int p = write(at, "-");
        if (b.buses.size() == 1) {
            Bus only = b.buses.get(0);
            if (b.device == null) {
                p = write(p, String.format(Locale.ROOT, "[%04x:%02x]-", only.domain, only.number));
            }
            showBus(only, p);
            return;
        }
        for (int i = 0; i < b.buses.size(); i++) {
            Bus bus = b.buses.get(i);
            String tag = (i == b.buses.size() - 1 ? "\\-" : "+-")
                    + String.format(Locale.ROOT, "[%04x:%02x]-", bus.domain, bus.number);
            showBus(bus, write(p, tag));
        }
    }

    private void showBus(Bus bus, int at) {
        List<PciFunction> devices = bus.devices;
        if (devices.isEmpty()) {
            emit(at);
        } else if (devices.size() == 1) {
            showDevice(devices.get(0), write(at, "--"));
        } else {
            for (int i = 0; i < devices.size(); i++) {
                showDevice(devices.get(i), write(at, i == devices.size() - 1 ? "\\-" : "+-"));
            }
        }
    }

    private void showDevice(PciFunction f, int at) {
        int p = write(at, f.address().slotFunction());
        Bridge bridge = isLspciBridge(f) ? findBridge(f) : null;
        if (bridge != null) {
            int sec = f.secondaryBus();
            int sub = f.subordinateBus();
            if (sec <= 0) {
                p = write(p, "-");
            } else if (sec == sub) {
                p = write(p, String.format(Locale.ROOT, "-[%02x]-", sec));
            } else {
                p = write(p, String.format(Locale.ROOT, "-[%02x-%02x]-", sec, sub));
            }
            showBridge(bridge, p);
            return;
        }
        if (verbose) {
            p = write(p, "  " + names.vendorDevice(f.vendorId(), f.deviceId(), mode));
        }
        emit(p);
    }

    private @Nullable Bridge findBridge(PciFunction f) {
        return bridges.get(f.address());
    }
}
