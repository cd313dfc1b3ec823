package org.meridian.identity.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.RoleGrant;
import org.meridian.identity.Administration;
import org.meridian.identity.IdentityError;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.JsonBody;
import org.meridian.platform.http.JsonFields;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Routes;

/**
 * {@code /admin/v1/}: departments, people and their roles, machine clients, in the tenant the NGSILD-Tenant header
 * names (as on every API). Plain JSON; errors are problem details.
 */
public final class AdminRoutes implements Routes {
    private static final String BASE = "/admin/v1";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFields FIELDS = new JsonFields(IdentityError.INVALID_INPUT);

    private final Administration administration;

    public AdminRoutes(Administration administration) {
        this.administration = administration;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(BASE + "/departments", this::departments, Access.ADMINISTER);
        routes.put(BASE + "/departments/{id}", this::putDepartment, Access.ADMINISTER);
        routes.delete(BASE + "/departments/{id}", this::deleteDepartment, Access.ADMINISTER);
        routes.get(BASE + "/users", this::users, Access.ADMINISTER);
        routes.post(BASE + "/users", this::createUser, Access.ADMINISTER);
        routes.get(BASE + "/users/{username}", this::user, Access.ADMINISTER);
        routes.patch(BASE + "/users/{username}", this::updateUser, Access.ADMINISTER);
        routes.delete(BASE + "/users/{username}", this::deleteUser, Access.ADMINISTER);
        routes.put(BASE + "/users/{username}/roles", this::replaceRoles, Access.ADMINISTER);
        routes.get(BASE + "/clients", this::clients, Access.ADMINISTER);
        routes.post(BASE + "/clients", this::createClient, Access.ADMINISTER);
        routes.get(BASE + "/clients/{id}", this::client, Access.ADMINISTER);
        routes.patch(BASE + "/clients/{id}", this::updateClient, Access.ADMINISTER);
        routes.delete(BASE + "/clients/{id}", this::deleteClient, Access.ADMINISTER);
        routes.post(BASE + "/clients/{id}/secret", this::replaceSecret, Access.ADMINISTER);
    }

    private static Caller caller(Context http) {
        return Callers.of(http, NgsiLdExchange.tenantOf(http));
    }

    private void departments(Context http) {
        ArrayNode list = NODES.arrayNode();
        administration.departments(caller(http)).forEach(d -> list.addObject().put("id", d.id()).put("name", d.name()));
        respond(http, 200, list);
    }

    private void putDepartment(Context http) {
        ObjectNode body = FIELDS.object(http);
        String id = http.pathParam("id");
        boolean created = administration.putDepartment(caller(http), id, text(body, "name"));
        respond(http, created ? 201 : 200, NODES.objectNode().put("id", id).put("name", text(body, "name").strip()));
    }

    private void deleteDepartment(Context http) {
        administration.deleteDepartment(caller(http), http.pathParam("id"));
        http.status(204);
    }

    private void users(Context http) {
        ArrayNode list = NODES.arrayNode();
        administration.users(caller(http)).forEach(user -> list.add(user(user)));
        respond(http, 200, list);
    }

    private void user(Context http) {
        respond(http, 200, user(administration.user(caller(http), http.pathParam("username"))));
    }

    private void createUser(Context http) {
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("username", "displayName", "password", "roles"));
        Administration.User user = administration.createUser(caller(http), text(body, "username"),
                new Administration.UserChange(text(body, "displayName"), text(body, "password"), null), roles(body.get("roles")));
        http.header("Location", BASE + "/users/" + user.username());
        respond(http, 201, user(user));
    }

    private void updateUser(Context http) {
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("displayName", "password", "disabled"));
        respond(http, 200, user(administration.updateUser(caller(http), http.pathParam("username"),
                new Administration.UserChange(text(body, "displayName"), text(body, "password"), FIELDS.bool(body, "disabled")))));
    }

    private void deleteUser(Context http) {
        administration.deleteUser(caller(http), http.pathParam("username"));
        http.status(204);
    }

    private void replaceRoles(Context http) {
        JsonNode body = JsonBody.parse(http);
        respond(http, 200, user(administration.replaceRoles(caller(http), http.pathParam("username"), roles(body))));
    }

    private void clients(Context http) {
        ArrayNode list = NODES.arrayNode();
        administration.clients(caller(http)).forEach(client -> list.add(client(client)));
        respond(http, 200, list);
    }

    private void client(Context http) {
        respond(http, 200, client(administration.client(caller(http), http.pathParam("id"))));
    }

    private void createClient(Context http) {
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("id", "department", "role", "description"));
        Administration.Client client = administration.createClient(caller(http), text(body, "id"), text(body, "department"),
                text(body, "role"), text(body, "description"));
        http.header("Location", BASE + "/clients/" + client.id());
        respond(http, 201, client(client));
    }

    private void updateClient(Context http) {
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("description", "disabled"));
        respond(http, 200, client(administration.updateClient(caller(http), http.pathParam("id"), text(body, "description"),
                FIELDS.bool(body, "disabled"))));
    }

    private void deleteClient(Context http) {
        administration.deleteClient(caller(http), http.pathParam("id"));
        http.status(204);
    }

    private void replaceSecret(Context http) {
        respond(http, 200, client(administration.replaceSecret(caller(http), http.pathParam("id"))));
    }

    private static ObjectNode user(Administration.User user) {
        ObjectNode out = NODES.objectNode().put("username", user.username()).put("displayName", user.displayName())
                .put("disabled", user.disabled());
        ArrayNode roles = out.putArray("roles");
        user.roles().forEach(grant -> roles.addObject().put("tenant", grant.tenant()).put("department", grant.department())
                .put("role", grant.role()));
        return out;
    }

    private static ObjectNode client(Administration.Client client) {
        ObjectNode out = NODES.objectNode().put("id", client.id()).put("department", client.department())
                .put("role", client.role()).put("description", client.description()).put("disabled", client.disabled());
        if (client.secret() != null) {
            // Shown once: the platform keeps only its hash.
            out.put("secret", client.secret());
            out.put("apiKey", client.apiKey());
        }
        return out;
    }

    private static List<RoleGrant> roles(JsonNode roles) {
        if (roles == null) {
            return List.of();
        }
        if (!roles.isArray() || roles.size() > 100) {
            throw invalid("roles is an array (at most 100) of {\"department\": \"…\", \"role\": \"…\"}");
        }
        List<RoleGrant> grants = new ArrayList<>();
        for (JsonNode role : roles) {
            if (!(role instanceof ObjectNode object)) {
                throw invalid("Each role is {\"department\": \"…\", \"role\": \"…\"}");
            }
            FIELDS.allowOnly(object, Set.of("department", "role"));
            String department = text(object, "department");
            grants.add(new RoleGrant("", department == null ? "" : department, text(object, "role")));
        }
        return grants;
    }

    private static MeridianException invalid(String detail) {
        return FIELDS.invalid(detail);
    }

    private static String text(JsonNode body, String name) {
        return FIELDS.text(body, name, 1024);
    }

    private static void respond(Context http, int status, JsonNode body) {
        JsonFields.respond(http, status, body);
    }
}
