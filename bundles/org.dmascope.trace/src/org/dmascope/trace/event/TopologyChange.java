package org.dmascope.trace.event;

/**
 * One change of the topology after a snapshot: a device added or removed, a link retrained, a group changed, a
 * driver bound or unbound, ACS Control switched.
 *
 * @param header time stamp, CPU, PID and command name
 * @param change what happened: "ADD", "REMOVE", "LINK", "GROUP", "DRIVER" (a driver bound, unbound or
 *               rebound) or "ACS" (ACS Control changed, for example by a boot with pci=disable_acs_redir=)
 * @param device the PCI BDF concerned
 * @param detail free text, for example "speed 16GT/s width x8"
 */
public record TopologyChange(EventHeader header, String change, String device, String detail) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.TOPOLOGY_CHANGE;
    }
}
