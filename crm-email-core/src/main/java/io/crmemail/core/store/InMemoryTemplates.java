package io.crmemail.core.store;

import io.crmemail.core.template.Template;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The templates of {@link InMemoryEmailStore}, unique by name within an account. Not thread-safe: the store's
 * single lock guards it.
 */
final class InMemoryTemplates {

    /** By id, which is the order {@link #ofAccount} promises. */
    private final TreeMap<Long, Template> templates = new TreeMap<>();
    private long lastId;

    Template save(Template template) {
        Objects.requireNonNull(template.name(), "template name");
        Objects.requireNonNull(template.createdAt(), "template createdAt");
        Objects.requireNonNull(template.updatedAt(), "template updatedAt");
        if (template.id() != 0 && !templates.containsKey(template.id())) {
            throw new IllegalArgumentException("no template with id " + template.id() + " (save with id 0 to create one)");
        }
        for (Template other : templates.values()) {
            if (other.id() != template.id() && other.accountId() == template.accountId()
                    && other.name().equals(template.name())) {
                throw new DuplicateNameException("a template named '" + template.name() + "' exists already");
            }
        }
        Template stored = template.id() == 0 ? template.withId(++lastId) : template;
        templates.put(stored.id(), stored);
        return stored;
    }

    Optional<Template> find(long id) {
        return Optional.ofNullable(templates.get(id));
    }

    List<Template> ofAccount(long accountId) {
        return templates.values().stream().filter(t -> t.accountId() == accountId).toList();
    }

    boolean delete(long id) {
        return templates.remove(id) != null;
    }
}
