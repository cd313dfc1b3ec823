package org.meridian.core.rules;

/**
 * What one episode is about: an entity (one per underpass), a district (the readings of all entities in one district
 * polygon combine), or a place around an entity (the first condition's entity is the anchor; the others' entities
 * count when they are within {@code meters} of it).
 */
public record Keying(By by, double meters) {
    public enum By { ENTITY, DISTRICT, NEAR }

    public static final Keying ENTITY = new Keying(By.ENTITY, 0);
    public static final Keying DISTRICT = new Keying(By.DISTRICT, 0);

    public static Keying near(double meters) {
        return new Keying(By.NEAR, meters);
    }
}
