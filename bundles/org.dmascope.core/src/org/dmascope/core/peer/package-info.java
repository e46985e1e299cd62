/**
 * Peer-to-peer paths between PCI functions: the Linux kernel's decision (drivers/pci/p2pdma.c)
 * and the practitioners' classification (NCCL, nvidia-smi topo -m).
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.core.peer;
