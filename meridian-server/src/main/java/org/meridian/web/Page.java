package org.meridian.web;

import java.util.Set;

/**
 * What every page knows of its request: the language and its texts, the path (for the language switch and sign-in's
 * way back), the CSRF token its forms carry (empty when nobody is signed in), and who is signed in (null: nobody).
 */
public record Page(Messages t, String path, String csrf, Viewer viewer) {

    /** The person signed in, as the pages show them and choose what to offer (tenant: "" for the default). */
    public record Viewer(String name, Set<String> roles, Set<String> departments, String tenant) {
        public boolean has(String role) {
            return roles.contains(role) || roles.contains("operator");
        }
    }

    public Language language() {
        return t.language();
    }

    public boolean signedIn() {
        return viewer != null;
    }
}
