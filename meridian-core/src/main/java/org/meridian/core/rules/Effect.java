package org.meridian.core.rules;

/** What a step of the kernel decided; the runtime carries it out (cases, alerts, notifications, entity updates). */
public sealed interface Effect {
    Episode episode();

    /** The conditions all hold for a key with no episode: a new episode, with the evidence that opened it. */
    record Opened(Episode episode) implements Effect {
    }

    /** The episode is over: its conditions no longer hold ({@code byHand} false) or someone cleared it. */
    record Cleared(Episode episode, boolean byHand, java.time.Instant at) implements Effect {
    }

    /** Nobody acknowledged the episode in time. */
    record Escalated(Episode episode) implements Effect {
    }
}
