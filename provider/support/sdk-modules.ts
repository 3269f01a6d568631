import * as path from "path";

// gRPC and protobuf from the SDK's own dependencies: the generated messages (@pulumi/pulumi/proto) are built by those
// very modules, so the plugin must use the same copies. The self-contained plugin's bundle resolves the same names
// from the SDK's folder when it is built (release/bundle.ts replaces this file).

const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromSdk = (name: string) => require(require.resolve(name, { paths: [sdkDir] }));

export const grpc: typeof import("@grpc/grpc-js") = fromSdk("@grpc/grpc-js");
export const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
export const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb");
export const { Any } = fromSdk("google-protobuf/google/protobuf/any_pb") as typeof import("google-protobuf/google/protobuf/any_pb");
