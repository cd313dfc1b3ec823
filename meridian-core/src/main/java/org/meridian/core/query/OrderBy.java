package org.meridian.core.query;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.meridian.core.error.MeridianException;

/**
 * The {@code orderBy} of a query (clause 4.23 of v1.8): members to sort by, each ascending or descending, e.g.
 * {@code type;asc,name.subProperty;desc,createdAt}. Entities without the member come last; ties go by id.
 *
 * @param keys in order of precedence, at least one
 */
public record OrderBy(List<Key> keys) {
    /** Most keys in one orderBy. */
    public static final int MAX_KEYS = 8;

    /** What a key sorts by. */
    public enum Target { ID, TYPE, CREATED_AT, MODIFIED_AT, ATTRIBUTE }

    /**
     * One sort key.
     *
     * @param attribute the expanded attribute IRI for {@link Target#ATTRIBUTE}, else null
     * @param member for an attribute: null for its value, else createdAt, modifiedAt, observedAt or a sub-attribute's
     *               expanded IRI
     */
    public record Key(Target target, String attribute, String member, boolean descending) {
        /** Whether the member is one of the instance's own timestamps rather than a sub-attribute. */
        public boolean memberIsTime() {
            return member != null && (member.equals("createdAt") || member.equals("modifiedAt") || member.equals("observedAt"));
        }
    }

    public OrderBy {
        keys = List.copyOf(keys);
    }

    public static OrderBy parse(String text, UnaryOperator<String> expand) {
        List<Key> keys = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String[] parts = item.split(";", -1);
            if (parts.length > 2 || parts[0].isBlank()) {
                throw MeridianException.badData("orderBy is a list of member[;asc|;desc], not '" + text + "'");
            }
            boolean descending = false;
            if (parts.length == 2) {
                descending = switch (parts[1]) {
                    case "asc" -> false;
                    case "desc" -> true;
                    default -> throw MeridianException.badData("orderBy directions are asc or desc, not '" + parts[1] + "'");
                };
            }
            keys.add(key(parts[0].strip(), descending, expand));
        }
        if (keys.size() > MAX_KEYS) {
            throw MeridianException.badData("orderBy has at most " + MAX_KEYS + " keys");
        }
        return new OrderBy(keys);
    }

    private static Key key(String path, boolean descending, UnaryOperator<String> expand) {
        switch (path) {
            case "id":
                return new Key(Target.ID, null, null, descending);
            case "type":
                return new Key(Target.TYPE, null, null, descending);
            case "createdAt":
                return new Key(Target.CREATED_AT, null, null, descending);
            case "modifiedAt":
                return new Key(Target.MODIFIED_AT, null, null, descending);
            default:
                break;
        }
        String[] steps = path.split("\\.", -1);
        if (steps.length > 2 || steps[0].isEmpty() || (steps.length == 2 && steps[1].isEmpty())) {
            throw MeridianException.badData("orderBy names an attribute or attribute.member, not '" + path + "'");
        }
        org.meridian.core.ngsild.EntityParser.checkName(steps[0], "orderBy attribute");
        String member = null;
        if (steps.length == 2) {
            org.meridian.core.ngsild.EntityParser.checkName(steps[1], "orderBy member");
            member = switch (steps[1]) {
                case "createdAt", "modifiedAt", "observedAt" -> steps[1];
                default -> expand.apply(steps[1]);
            };
        }
        return new Key(Target.ATTRIBUTE, expand.apply(steps[0]), member, descending);
    }
}
