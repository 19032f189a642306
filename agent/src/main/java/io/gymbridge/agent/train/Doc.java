package io.gymbridge.agent.train;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one-line meaning of a config key, on its record component: read at run time by {@link
 * ConfigKeys} for {@code bin/agent train --list-keys} and the key table of docs/agent.md.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Doc {
  String value();
}
