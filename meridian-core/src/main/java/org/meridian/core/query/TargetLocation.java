package org.meridian.core.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the instances and target values of an attribute path lie in a stored entity document, shared by
 * {@link JsonPathTranslator} and {@link QueryEvaluator} so that both read the document the same way.
 *
 * <p>The instances are {@code doc[attribute][*][subAttribute]...}: every attribute holds an array of instances, each
 * sub-attribute a single instance. The target values are read from each instance along {@link #targetPaths()}.
 *
 * @param instanceKeys the attribute followed by its sub-attributes
 * @param targetPaths  paths from an instance to its target values; empty when the instance itself is the target
 *                     element, which is the case for existence tests without keyword or compound path
 */
record TargetLocation(List<String> instanceKeys, List<List<PathStep>> targetPaths) {
    private static final List<String> VALUE_MEMBERS = List.of("value", "vocab", "json", "languageMap", "valueList");
    private static final List<String> RELATIONSHIP_MEMBERS = List.of("object", "objectList");
    private static final List<String> COMPOUND_VALUE_MEMBERS = List.of("value", "json", "languageMap");

    TargetLocation {
        instanceKeys = List.copyOf(instanceKeys);
        targetPaths = targetPaths.stream().map(List::copyOf).toList();
    }

    /** One step from a JSON value to the values it contains. */
    sealed interface PathStep {
        /** The member of an object with this name. */
        record Member(String name) implements PathStep {
        }

        /** Every member of an object, as for the values of a languageMap. */
        record AnyMember() implements PathStep {
        }
    }

    /** For {@code attr}, {@code attr.sub}, {@code attr.observedAt} and {@code attr[a.b]} without an operator. */
    static TargetLocation forExistence(AttributePath path) {
        if (path.metadataKeyword().isEmpty() && path.compoundPath().isEmpty()) {
            return new TargetLocation(instanceKeys(path), List.of());
        }
        return forComparison(path, ComparisonOperator.EQUAL);
    }

    /** The targets compared by {@code operator}; Relationship objects only take part in == and != (clause 4.9). */
    static TargetLocation forComparison(AttributePath path, ComparisonOperator operator) {
        if (path.metadataKeyword().isPresent()) {
            PathStep keyword = new PathStep.Member(path.metadataKeyword().get().key());
            return new TargetLocation(instanceKeys(path), List.of(List.of(keyword)));
        }
        List<List<PathStep>> targets = new ArrayList<>();
        if (!path.compoundPath().isEmpty()) {
            for (String member : COMPOUND_VALUE_MEMBERS) {
                List<PathStep> target = new ArrayList<>(List.of(new PathStep.Member(member)));
                path.compoundPath().forEach(name -> target.add(new PathStep.Member(name)));
                targets.add(target);
            }
            return new TargetLocation(instanceKeys(path), targets);
        }
        for (String member : VALUE_MEMBERS) {
            targets.add(member.equals("languageMap")
                    ? List.of(new PathStep.Member(member), new PathStep.AnyMember())
                    : List.of(new PathStep.Member(member)));
        }
        if (operator.appliesToRelationships()) {
            RELATIONSHIP_MEMBERS.forEach(member -> targets.add(List.of(new PathStep.Member(member))));
        }
        return new TargetLocation(instanceKeys(path), targets);
    }

    private static List<String> instanceKeys(AttributePath path) {
        List<String> keys = new ArrayList<>(List.of(path.attribute()));
        keys.addAll(path.subAttributes());
        return keys;
    }
}
