package org.meridian.core.rules;

/**
 * What one episode is about: an entity (one per underpass), a district (the readings of all entities in one district
 * polygon combine), a place around an entity (the first condition's entity is the anchor; the others' entities count
 * when they are within {@code meters} of it), or an entity and those whose {@code relationship} names it (a street
 * light and the power cabinet it hangs on: {@code refCabinet}).
 */
public record Keying(By by, double meters, String relationship) {
    public enum By { ENTITY, DISTRICT, NEAR, RELATED }

    public static final Keying ENTITY = new Keying(By.ENTITY, 0, null);
    public static final Keying DISTRICT = new Keying(By.DISTRICT, 0, null);

    public static Keying near(double meters) {
        return new Keying(By.NEAR, meters, null);
    }

    /**
     * The name of the groups this keying puts entities in ("district", or the relationship), shared by every rule keyed
     * the same way; null when an episode is about one entity or a place around it.
     */
    public String grouping() {
        return switch (by) {
            case DISTRICT -> "district";
            case RELATED -> "related " + relationship;
            case ENTITY, NEAR -> null;
        };
    }

    /** @param relationship the relationship's name (expanded) */
    public static Keying related(String relationship) {
        return new Keying(By.RELATED, 0, relationship);
    }
}
