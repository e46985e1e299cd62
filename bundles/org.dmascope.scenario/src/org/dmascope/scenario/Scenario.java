package org.dmascope.scenario;

import java.util.List;

/**
 * A parsed scenario: its name, the file it came from and its steps in order ({@code repeat}
 * blocks already unrolled, {@code topology inline} blocks attached to their step).
 *
 * @param file  the file as the user named it
 * @param name  the name the {@code scenario} line gives, or the file name
 * @param steps the steps
 */
public record Scenario(String file, String name, List<Step> steps) {

    /** Copies the steps. */
    public Scenario {
        steps = List.copyOf(steps);
    }
}
