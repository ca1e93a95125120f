package org.sparkprop.io;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects what one class logs through slf4j (Spark binds it to Log4j 2), for assertions. */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level previous;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AbstractAppender appender;

  LogCapture(Class<?> source) {
    logger = (Logger) LogManager.getLogger(source);
    previous = logger.getLevel();
    appender = new AbstractAppender("capture-" + source.getSimpleName(), null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
      }
    };
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
  }

  List<String> lines() {
    return lines;
  }

  List<String> warnings() {
    return lines.stream().filter(l -> l.startsWith("WARN ")).toList();
  }

  @Override
  public void close() {
    logger.removeAppender(appender);
    logger.setLevel(previous);
    appender.stop();
  }
}
