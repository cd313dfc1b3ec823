package org.meridian.rules;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.meridian.core.rules.Effect;
import org.meridian.core.rules.Kernel;
import org.meridian.core.rules.RuleState;
import org.meridian.platform.bus.Event;
import org.meridian.platform.bus.EventBus;
import org.meridian.rules.store.RuleStore;

/**
 * Ends episodes that did not clear by themselves: someone on duty cleared one, or its rule was disabled, replaced or
 * removed. Each is marked cleared and traced, and what clearing does is done as when the rule clears it: its alert
 * ends, its updates are undone, its receivers and the operations stream are told.
 */
final class EpisodeEnding {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RuleStore store;
    private final EventBus bus;
    private final RuleLanguage language;

    EpisodeEnding(RuleStore store, EventBus bus, RuleLanguage language) {
        this.store = store;
        this.bus = bus;
        this.language = language;
    }

    /**
     * Ends all the rule's open episodes and forgets its state (it was disabled, replaced or removed): a rule enabled
     * again starts afresh.
     */
    void endAll(Connection connection, RuleRecord rule, Instant now, String by) throws SQLException {
        List<String> open = store.episodes(connection, rule.tenant(), rule.id(), true, 10_000, 0).stream().map(EpisodeRecord::id).toList();
        if (!open.isEmpty()) {
            RuleDefinition definition;
            try {
                definition = language.understand(rule.definition());
            } catch (RuntimeException e) {
                definition = null; // no longer valid: its episodes are only marked ended
            }
            RuleState state = RuleState.fromJson(store.state(connection, rule.tenant(), rule.id())
                    .filter(kept -> kept.version() == rule.version()).map(RuleStore.StoredState::state).orElse(null));
            end(connection, rule, definition, state, open, now, by);
        }
        store.saveState(connection, rule.tenant(), rule.id(), new RuleStore.StoredState(-1, -1, -1, NODES.objectNode()));
    }

    /**
     * Ends the episodes of these ids in the rule's state (which loses them).
     *
     * @param definition the rule's definition, or null if it no longer reads: the episodes are then only marked ended
     */
    void end(Connection connection, RuleRecord rule, RuleDefinition definition, RuleState state, List<String> ids, Instant now,
             String by) throws SQLException {
        Kernel kernel = definition == null ? null : new Kernel(rule.id() + "." + rule.version(), definition.logic(), at -> false);
        List<Event.Draft> alarms = new ArrayList<>();
        for (String id : ids) {
            store.cleared(connection, rule.tenant(), id, now, by);
            store.trace(connection, rule.tenant(), id, "cleared", null, now, NODES.objectNode().put("by", by));
            if (kernel == null) {
                continue;
            }
            for (Effect effect : kernel.clear(state, id, now)) {
                ObjectNode context = RuleEngine.context(rule, definition, effect.episode(), state, "cleared");
                for (RuleAction action : definition.actions()) {
                    if (action instanceof RuleAction.Notify notify && notify.operations()) {
                        alarms.add(new Event.Draft(rule.tenant(), RuleEngine.ALARM_STREAM, id, "cleared", context));
                    } else if (RuleEngine.wanted(action, "cleared")) {
                        store.queue(connection, rule.tenant(), id, "cleared", RuleActions.describe(action, context), now);
                    }
                }
            }
        }
        bus.append(connection, alarms);
    }
}
