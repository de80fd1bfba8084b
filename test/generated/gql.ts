/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Me {\n  me {\n    id\n    email\n    plan\n  }\n}\n\nmutation SignUp($email: String!, $password: String!) {\n  signUp(email: $email, password: $password) {\n    __typename\n    ... on AuthPayload {\n      user {\n        id\n        email\n        plan\n      }\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation LogIn($email: String!, $password: String!) {\n  logIn(email: $email, password: $password) {\n    __typename\n    ... on AuthPayload {\n      user {\n        id\n        email\n      }\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation LogOut {\n  logOut\n}\n\nquery ApiKeys {\n  apiKeys {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n  }\n}\n\nmutation CreateApiKey($name: String!) {\n  createApiKey(name: $name) {\n    __typename\n    ... on NewApiKey {\n      id\n      name\n      key\n      createdAt\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation RevokeApiKey($id: ID!) {\n  revokeApiKey(id: $id) {\n    __typename\n    ... on Deleted {\n      id\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}": typeof types.MeDocument,
    "query Collections {\n  collections {\n    id\n    name\n    createdAt\n  }\n}\n\nquery Collection($id: ID!) {\n  collection(id: $id) {\n    id\n    name\n  }\n}\n\nmutation CreateCollection($name: String!) {\n  createCollection(name: $name) {\n    __typename\n    ... on Collection {\n      id\n      name\n      createdAt\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation RenameCollection($id: ID!, $name: String!) {\n  renameCollection(id: $id, name: $name) {\n    __typename\n    ... on Collection {\n      id\n      name\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation DeleteCollection($id: ID!) {\n  deleteCollection(id: $id) {\n    __typename\n    ... on Deleted {\n      id\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}": typeof types.CollectionsDocument,
};
const documents: Documents = {
    "query Me {\n  me {\n    id\n    email\n    plan\n  }\n}\n\nmutation SignUp($email: String!, $password: String!) {\n  signUp(email: $email, password: $password) {\n    __typename\n    ... on AuthPayload {\n      user {\n        id\n        email\n        plan\n      }\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation LogIn($email: String!, $password: String!) {\n  logIn(email: $email, password: $password) {\n    __typename\n    ... on AuthPayload {\n      user {\n        id\n        email\n      }\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation LogOut {\n  logOut\n}\n\nquery ApiKeys {\n  apiKeys {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n  }\n}\n\nmutation CreateApiKey($name: String!) {\n  createApiKey(name: $name) {\n    __typename\n    ... on NewApiKey {\n      id\n      name\n      key\n      createdAt\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation RevokeApiKey($id: ID!) {\n  revokeApiKey(id: $id) {\n    __typename\n    ... on Deleted {\n      id\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}": types.MeDocument,
    "query Collections {\n  collections {\n    id\n    name\n    createdAt\n  }\n}\n\nquery Collection($id: ID!) {\n  collection(id: $id) {\n    id\n    name\n  }\n}\n\nmutation CreateCollection($name: String!) {\n  createCollection(name: $name) {\n    __typename\n    ... on Collection {\n      id\n      name\n      createdAt\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation RenameCollection($id: ID!, $name: String!) {\n  renameCollection(id: $id, name: $name) {\n    __typename\n    ... on Collection {\n      id\n      name\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation DeleteCollection($id: ID!) {\n  deleteCollection(id: $id) {\n    __typename\n    ... on Deleted {\n      id\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}": types.CollectionsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  me {\n    id\n    email\n    plan\n  }\n}\n\nmutation SignUp($email: String!, $password: String!) {\n  signUp(email: $email, password: $password) {\n    __typename\n    ... on AuthPayload {\n      user {\n        id\n        email\n        plan\n      }\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation LogIn($email: String!, $password: String!) {\n  logIn(email: $email, password: $password) {\n    __typename\n    ... on AuthPayload {\n      user {\n        id\n        email\n      }\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation LogOut {\n  logOut\n}\n\nquery ApiKeys {\n  apiKeys {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n  }\n}\n\nmutation CreateApiKey($name: String!) {\n  createApiKey(name: $name) {\n    __typename\n    ... on NewApiKey {\n      id\n      name\n      key\n      createdAt\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation RevokeApiKey($id: ID!) {\n  revokeApiKey(id: $id) {\n    __typename\n    ... on Deleted {\n      id\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}"): (typeof documents)["query Me {\n  me {\n    id\n    email\n    plan\n  }\n}\n\nmutation SignUp($email: String!, $password: String!) {\n  signUp(email: $email, password: $password) {\n    __typename\n    ... on AuthPayload {\n      user {\n        id\n        email\n        plan\n      }\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation LogIn($email: String!, $password: String!) {\n  logIn(email: $email, password: $password) {\n    __typename\n    ... on AuthPayload {\n      user {\n        id\n        email\n      }\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation LogOut {\n  logOut\n}\n\nquery ApiKeys {\n  apiKeys {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n  }\n}\n\nmutation CreateApiKey($name: String!) {\n  createApiKey(name: $name) {\n    __typename\n    ... on NewApiKey {\n      id\n      name\n      key\n      createdAt\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation RevokeApiKey($id: ID!) {\n  revokeApiKey(id: $id) {\n    __typename\n    ... on Deleted {\n      id\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Collections {\n  collections {\n    id\n    name\n    createdAt\n  }\n}\n\nquery Collection($id: ID!) {\n  collection(id: $id) {\n    id\n    name\n  }\n}\n\nmutation CreateCollection($name: String!) {\n  createCollection(name: $name) {\n    __typename\n    ... on Collection {\n      id\n      name\n      createdAt\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation RenameCollection($id: ID!, $name: String!) {\n  renameCollection(id: $id, name: $name) {\n    __typename\n    ... on Collection {\n      id\n      name\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation DeleteCollection($id: ID!) {\n  deleteCollection(id: $id) {\n    __typename\n    ... on Deleted {\n      id\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}"): (typeof documents)["query Collections {\n  collections {\n    id\n    name\n    createdAt\n  }\n}\n\nquery Collection($id: ID!) {\n  collection(id: $id) {\n    id\n    name\n  }\n}\n\nmutation CreateCollection($name: String!) {\n  createCollection(name: $name) {\n    __typename\n    ... on Collection {\n      id\n      name\n      createdAt\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation RenameCollection($id: ID!, $name: String!) {\n  renameCollection(id: $id, name: $name) {\n    __typename\n    ... on Collection {\n      id\n      name\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}\n\nmutation DeleteCollection($id: ID!) {\n  deleteCollection(id: $id) {\n    __typename\n    ... on Deleted {\n      id\n    }\n    ... on AppError {\n      code\n      message\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;