package org.meridian.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a rule does when an episode opens (and, for updates, when it clears), in the order written. */
public sealed interface RuleAction {
    /** The action as the rule language writes it. */
    String kind();

    /**
     * A case for the category, at the episode's place, with the readings that opened it as evidence, and the answers to
     * the category's questions (code → value) that a report would give.
     */
    record OpenCase(String category, String urgency, String description, ObjectNode answers) implements RuleAction {
        @Override
        public String kind() {
            return "openCase";
        }
    }

    /** An {@code Alert} entity (FIWARE Smart Data Model) kept current with the episode. */
    record RaiseAlert(String category, String subCategory, String description) implements RuleAction {
        @Override
        public String kind() {
            return "raiseAlert";
        }
    }

    /**
     * A notification of the episode's opening and clearing: to an HTTP endpoint, an MQTT topic
     * ({@code mqtt://host:port/topic}), or the operations centre's stream.
     */
    record Notify(String http, String mqtt, boolean operations) implements RuleAction {
        @Override
        public String kind() {
            return "notify";
        }
    }

    /**
     * Sets attributes of an entity while the episode is open (a road segment closed), and others when it clears; the
     * entity is an id, in which {@code {key}} stands for the episode's key (an entity's id, or a district).
     *
     * @param type the entity's type (expanded): what the update may set off is known before the rule runs
     */
    record Update(String type, String entity, ObjectNode set, ObjectNode onClear) implements RuleAction {
        @Override
        public String kind() {
            return "update";
        }
    }
}
