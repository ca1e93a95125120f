package org.sparkprop.io.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.sparkprop.io.onnx.schema.Onnx.AttributeProto;
import org.sparkprop.io.onnx.schema.Onnx.GraphProto;
import org.sparkprop.io.onnx.schema.Onnx.NodeProto;
import org.sparkprop.io.onnx.schema.Onnx.TensorProto;
import org.sparkprop.io.onnx.schema.Onnx.TensorShapeProto;
import org.sparkprop.io.onnx.schema.Onnx.TypeProto;
import org.sparkprop.io.onnx.schema.Onnx.ValueInfoProto;

/**
 * An ONNX graph under construction, in the schema's own classes: constants become initializers,
 * every node gets a fresh output name, and the graph's inputs and outputs are declared with a
 * dynamic row count ("rows") first. Only the operators of the default domain are used.
 */
final class OnnxGraph {
  /** The name of the dynamic first dimension of every input and output. */
  static final String ROWS = "rows";

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private int nextId;

  OnnxGraph(String name) {
    graph.setName(name);
  }

  /** A float32 constant of the given shape; {@code values} in row-major order. */
  String constant(String hint, float[] values, long... dims) {
    String name = fresh(hint);
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(bytes.array()));
    for (long d : dims) t.addDims(d);
    graph.addInitializer(t);
    return name;
  }

  /** A one-dimensional int64 constant (shapes and axes). */
  String longs(String hint, long... values) {
    String name = fresh(hint);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(values.length);
    for (long v : values) t.addInt64Data(v);
    graph.addInitializer(t);
    return name;
  }

  /** A one-dimensional string constant (class names). */
  String strings(String hint, List<String> values) {
    String name = fresh(hint);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.STRING_VALUE)
        .addDims(values.size());
    for (String v : values) t.addStringData(ByteString.copyFrom(v, StandardCharsets.UTF_8));
    graph.addInitializer(t);
    return name;
  }

  /** Adds a node of {@code op} on {@code inputs} and returns the name of its one output. */
  String node(String op, List<String> inputs, AttributeProto... attributes) {
    return nodeNamed(fresh(op.toLowerCase(java.util.Locale.ROOT)), op, inputs, attributes);
  }

  /** As {@link #node}, with the output under a given name (a graph output). */
  String nodeNamed(String output, String op, List<String> inputs, AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("node" + nextId++).addAllInput(inputs)
        .addOutput(output);
    for (AttributeProto a : attributes) n.addAttribute(a);
    graph.addNode(n);
    return output;
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto floatAttribute(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  /** Declares a graph input of element type {@code elemType} (a TensorProto.DataType value) and shape (rows, width...). */
  void input(String name, int elemType, long... widths) {
    graph.addInput(valueInfo(name, elemType, widths));
  }

  /** Declares a graph output; the node producing it must carry the same name. */
  void output(String name, int elemType, long... widths) {
    graph.addOutput(valueInfo(name, elemType, widths));
  }

  GraphProto build() {
    return graph.build();
  }

  private static ValueInfoProto valueInfo(String name, int elemType, long... widths) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(ROWS));
    for (long w : widths) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(w));
    TypeProto type = TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)).build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  private String fresh(String hint) {
    return hint + "_" + nextId++;
  }
}
