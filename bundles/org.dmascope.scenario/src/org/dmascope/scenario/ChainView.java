package org.dmascope.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.chain.AddressChain;

/**
 * An address chain a step built, with what a view needs to draw it without backend code: the
 * style of the backend behind each of its VMAs.
 *
 * @param chain  the chain
 * @param styles the style of each VMA's backend, in the order of {@link AddressChain#vmas()}
 */
public record ChainView(AddressChain chain, List<BackendStyle> styles) {

    /** The style of a VMA no backend handled. */
    public static final BackendStyle NO_BACKEND = new BackendStyle(0xa0a0a0, "none", "no backend handled this VMA",
            Map.of());

    /** Copies the styles; there must be one per VMA. */
    public ChainView {
        styles = List.copyOf(styles);
        if (styles.size() != chain.vmas().size()) {
            throw new IllegalArgumentException(styles.size() + " styles for " + chain.vmas().size() + " VMAs");
        }
    }

    /** A chain whose VMAs name their backends by id ({@link AddressChain#backends()}), styled from these backends. */
    public static ChainView of(AddressChain chain, List<MemoryBackend> backends) {
        List<BackendStyle> styles = new ArrayList<>();
        for (int i = 0; i < chain.vmas().size(); i++) {
            String id = i < chain.backends().size() ? chain.backends().get(i) : "";
            styles.add(backends.stream().filter(b -> b.id().equals(id)).findFirst().map(MemoryBackend::style)
                    .orElse(NO_BACKEND));
        }
        return new ChainView(chain, styles);
    }

    /** A chain whose VMAs all belong to one backend (a backend's own registration: ODP, GPUDirect). */
    public static ChainView of(AddressChain chain, BackendStyle style) {
        return new ChainView(chain, java.util.Collections.nCopies(chain.vmas().size(), style));
    }
}
