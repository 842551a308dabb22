package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a value as the mapper writes it, for what answers are made of: records, maps with text
 * keys, collections, text, integers and booleans. Anything else — a fraction, an enum, a record
 * with other Jackson annotations or with getters besides its components — is the mapper's to write,
 * as a part of the whole. A test holds every shape to the mapper's output.
 */
final class JsonWriter {
  /** How each record type is written; null for a type the mapper must write. */
  private static final ClassValue<RecordShape> SHAPES =
      new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
          return RecordShape.of(type);
        }
      };

  private JsonWriter() {}

  static void value(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("null");
      case Json.Writable writable -> writable.writeJson(out);
      case String text -> Json.quoted(out, text);
      case Integer n -> out.append(n.intValue());
      case Long n -> out.append(n.longValue());
      case Short n -> out.append(n.shortValue());
      case Byte n -> out.append(n.byteValue());
      case BigInteger n -> out.append(n);
      case Boolean b -> out.append(b.booleanValue());
      case Map<?, ?> map when textKeys(map) -> map(out, map);
      case Collection<?> items -> array(out, items);
      case Record record when SHAPES.get(record.getClass()) != null ->
          SHAPES.get(record.getClass()).write(out, record);
      default -> mapped(out, value);
    }
  }

  /** Whether values of this type are written here, without the mapper. */
  static boolean writesWithoutMapper(Class<?> type) {
    return Json.Writable.class.isAssignableFrom(type) || SHAPES.get(type) != null;
  }

  private static boolean textKeys(Map<?, ?> map) {
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private static void map(StringBuilder out, Map<?, ?> map) {
    out.append('{');
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      value(Json.name(out, (String) entry.getKey()), entry.getValue());
    }
    out.append('}');
  }

  private static void array(StringBuilder out, Collection<?> items) {
    out.append('[');
    boolean first = true;
    for (Object item : items) {
      if (!first) {
        out.append(',');
      }
      first = false;
      value(out, item);
    }
    out.append(']');
  }

  private static void mapped(StringBuilder out, Object value) {
    try {
      out.append(Json.mapper().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /** A record's properties in component order, under their JSON names. */
  private record RecordShape(List<Property> properties, boolean skipNulls) {
    private record Property(String name, Method accessor) {}

    /** What {@code content} may say for a map's or list's entries to be written as they are. */
    private static final Set<JsonInclude.Include> WRITTEN_AS_IS =
        Set.of(JsonInclude.Include.ALWAYS, JsonInclude.Include.USE_DEFAULTS);

    void write(StringBuilder out, Record record) {
      out.append('{');
      for (Property property : properties) {
        Object value;
        try {
          value = property.accessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException(
              "cannot read " + record.getClass().getSimpleName() + "." + property.name(), e);
        }
        if (value != null || !skipNulls) {
          value(Json.name(out, property.name()), value);
        }
      }
      out.append('}');
    }

    /**
     * The shape of a record that only {@code @JsonInclude(NON_NULL or ALWAYS)} on the type and
     * {@code @JsonProperty("name")} on components say anything about; null for any other.
     */
    static RecordShape of(Class<?> type) {
      if (!type.isRecord()) {
        return null;
      }
      Boolean skipNulls = inclusion(type.getAnnotations());
      if (skipNulls == null || hasGetters(type)) {
        return null;
      }
      List<Property> properties = new ArrayList<>();
      for (RecordComponent component : type.getRecordComponents()) {
        Method accessor = component.getAccessor();
        String name = component.getName();
        for (AnnotatedElement element : List.of(component, accessor, field(type, name))) {
          for (Annotation annotation : element.getAnnotations()) {
            if (annotation instanceof JsonProperty property && plain(property)) {
              name = property.value().isEmpty() ? name : property.value();
            } else if (fromJackson(annotation)) {
              return null;
            }
          }
        }
        try {
          accessor.setAccessible(true); // records need not be public; the mapper reads them too
        } catch (RuntimeException e) {
          return null;
        }
        properties.add(new Property(name, accessor));
      }
      return new RecordShape(List.copyOf(properties), skipNulls);
    }

    /** True to leave nulls out, false to write them; null when the type says something else. */
    private static Boolean inclusion(Annotation[] annotations) {
      Boolean skipNulls = false;
      for (Annotation annotation : annotations) {
        if (annotation instanceof JsonInclude include
            && WRITTEN_AS_IS.contains(include.content())
            && Set.of(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS)
                .contains(include.value())) {
          skipNulls = include.value() == JsonInclude.Include.NON_NULL;
        } else if (fromJackson(annotation)) {
          return null;
        }
      }
      return skipNulls;
    }

    /**
     * A public {@code getX()} or {@code isX()} beside the accessors: the mapper writes those too.
     */
    private static boolean hasGetters(Class<?> type) {
      for (Method method : type.getDeclaredMethods()) {
        String name = method.getName();
        if (Modifier.isPublic(method.getModifiers())
            && !Modifier.isStatic(method.getModifiers())
            && method.getParameterCount() == 0
            && (name.matches("get\\p{Lu}.*") || name.matches("is\\p{Lu}.*"))) {
          return true;
        }
      }
      return false;
    }

    private static boolean plain(JsonProperty property) {
      return property.access() == JsonProperty.Access.AUTO;
    }

    private static boolean fromJackson(Annotation annotation) {
      return annotation.annotationType().getName().startsWith("com.fasterxml.jackson.");
    }

    private static AnnotatedElement field(Class<?> type, String name) {
      try {
        return type.getDeclaredField(name);
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException("a record without its component's field: " + name, e);
      }
    }
  }
}
