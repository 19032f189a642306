package io.gymbridge.codec;

import io.gymbridge.v1.DType;

/** Sizes and numpy names of the wire dtypes. */
public final class DTypes {
  private DTypes() {}

  /** Bytes per element; throws {@link InvalidValueException} for DTYPE_UNSPECIFIED/unknown. */
  public static int size(DType dtype) {
    return switch (dtype) {
      case DTYPE_BOOL, DTYPE_INT8, DTYPE_UINT8 -> 1;
      case DTYPE_INT16, DTYPE_UINT16, DTYPE_FLOAT16 -> 2;
      case DTYPE_INT32, DTYPE_UINT32, DTYPE_FLOAT32 -> 4;
      case DTYPE_INT64, DTYPE_UINT64, DTYPE_FLOAT64 -> 8;
      default -> throw new InvalidValueException("dtype", "a DType other than " + dtype);
    };
  }

  /**
   * The numpy name ("float32", "uint8", "bool"...), as error messages and Python clients use it.
   */
  public static String numpyName(DType dtype) {
    return switch (dtype) {
      case DTYPE_BOOL -> "bool";
      case DTYPE_INT8 -> "int8";
      case DTYPE_UINT8 -> "uint8";
      case DTYPE_INT16 -> "int16";
      case DTYPE_UINT16 -> "uint16";
      case DTYPE_INT32 -> "int32";
      case DTYPE_UINT32 -> "uint32";
      case DTYPE_INT64 -> "int64";
      case DTYPE_UINT64 -> "uint64";
      case DTYPE_FLOAT16 -> "float16";
      case DTYPE_FLOAT32 -> "float32";
      case DTYPE_FLOAT64 -> "float64";
      default -> "unspecified";
    };
  }

  public static boolean isFloat(DType dtype) {
    return dtype == DType.DTYPE_FLOAT16
        || dtype == DType.DTYPE_FLOAT32
        || dtype == DType.DTYPE_FLOAT64;
  }

  public static boolean isInteger(DType dtype) {
    return dtype != DType.DTYPE_BOOL && !isFloat(dtype) && size(dtype) > 0;
  }
}
