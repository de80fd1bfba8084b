import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams (contract §10): every existing user gets a personal team holding their collections, images,
 * webhooks, API keys, usage and plan, so everything answers as before (test/migration-teams.test.ts).
 */
export class AddTeams1796486775166 implements MigrationInterface {
  name = 'AddTeams1796486775166';

  async up(queryRunner: QueryRunner): Promise<void> {
    // 1. the new tables
    await queryRunner.query(`CREATE TABLE "teams" ("id" text NOT NULL, "name" text NOT NULL, "plan" text NOT NULL DEFAULT 'free', "personal_user_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e5523774a38b08a6236d322403" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "teams_personal_user_id_key" ON "teams"  ("personal_user_id") `);
    await queryRunner.query(`CREATE TABLE "memberships" ("team_id" text NOT NULL, "user_id" text NOT NULL, "role" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d555e1e7b060aeefc7f9fb8b893" PRIMARY KEY ("team_id", "user_id"))`);
    await queryRunner.query(`CREATE INDEX "memberships_user_id_idx" ON "memberships"  ("user_id") `);
    await queryRunner.query(`CREATE TABLE "invitations" ("id" text NOT NULL, "team_id" text NOT NULL, "email" text NOT NULL, "role" text NOT NULL, "token_hash" text NOT NULL, "invited_by" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "invitations_team_id_idx" ON "invitations"  ("team_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"  ("token_hash") `);
    await queryRunner.query(`CREATE TABLE "upload_tokens" ("id" text NOT NULL, "team_id" text NOT NULL, "collection_id" text NOT NULL, "issued_by" text NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "max_uploads" integer NOT NULL, "uploads" integer NOT NULL DEFAULT '0', "max_bytes" bigint, "slug" text, "image_ids" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b2aff304c19af695fbba795bdb1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "upload_tokens_token_hash_key" ON "upload_tokens"  ("token_hash") `);
    // 2. every existing user gets a personal team (deterministic id), owning it, with their plan
    await queryRunner.query(`INSERT INTO "teams" ("id", "name", "plan", "personal_user_id", "created_at")
       SELECT 'team_' || substr(md5('team:' || "id"), 1, 20), "email", "plan", "id", "created_at" FROM "users"`);
    await queryRunner.query(`INSERT INTO "memberships" ("team_id", "user_id", "role", "created_at") SELECT "id", "personal_user_id", 'owner', "created_at" FROM "teams"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "plan"`);
    // 3. collections, webhooks and keys move into their creator's personal team; images follow their collection
    await queryRunner.query(`ALTER TABLE "collections" ADD "team_id" text`);
    await queryRunner.query(`UPDATE "collections" x SET "team_id" = t."id" FROM "teams" t WHERE t."personal_user_id" = x."user_id"`);
    await queryRunner.query(`ALTER TABLE "collections" ALTER COLUMN "team_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "webhooks" ADD "team_id" text`);
    await queryRunner.query(`UPDATE "webhooks" x SET "team_id" = t."id" FROM "teams" t WHERE t."personal_user_id" = x."user_id"`);
    await queryRunner.query(`ALTER TABLE "webhooks" ALTER COLUMN "team_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "team_id" text`);
    await queryRunner.query(`UPDATE "api_keys" x SET "team_id" = t."id" FROM "teams" t WHERE t."personal_user_id" = x."user_id"`);
    await queryRunner.query(`ALTER TABLE "api_keys" ALTER COLUMN "team_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "images" ADD "team_id" text`);
    await queryRunner.query(`UPDATE "images" i SET "team_id" = c."team_id" FROM "collections" c WHERE c."id" = i."collection_id"`);
    await queryRunner.query(`ALTER TABLE "images" ALTER COLUMN "team_id" SET NOT NULL`);
    // an image is always in its collection's team: filled on insert when the writer leaves it out
    await queryRunner.query(`CREATE FUNCTION images_team_from_collection() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.team_id IS NULL THEN NEW.team_id := (SELECT team_id FROM collections WHERE id = NEW.collection_id); END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER images_team_from_collection BEFORE INSERT ON "images" FOR EACH ROW EXECUTE FUNCTION images_team_from_collection()`);
    // existing keys keep doing everything they did: every key scope (their creators own their teams)
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "scopes" text array NOT NULL DEFAULT '{images:read,images:write,collections:write,webhooks:write,keys:write}'`);
    await queryRunner.query(`ALTER TABLE "api_keys" ALTER COLUMN "scopes" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "collection_ids" text array`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
    // 4. this month's (and past) usage counts move to the personal team, so quotas stay exact
    await queryRunner.query(`ALTER TABLE "usage" DROP CONSTRAINT "usage_user_id_fkey"`);
    await queryRunner.query(`UPDATE "usage" u SET "user_id" = t."id" FROM "teams" t WHERE t."personal_user_id" = u."user_id"`);
    await queryRunner.query(`ALTER TABLE "usage" RENAME COLUMN "user_id" TO "team_id"`);
    await queryRunner.query(`ALTER TABLE "usage" RENAME CONSTRAINT "PK_94a79cefe24367c85b3da44f9c3" TO "PK_727c87de3dfdd4b1a62f183e0c3"`);
    // 5. indexes and foreign keys
    await queryRunner.query(`DROP INDEX "public"."images_user_page_idx"`);
    await queryRunner.query(`CREATE INDEX "api_keys_team_id_idx" ON "api_keys"  ("team_id") `);
    await queryRunner.query(`CREATE INDEX "collections_team_id_idx" ON "collections"  ("team_id") `);
    await queryRunner.query(`CREATE INDEX "images_team_page_idx" ON "images"  ("team_id", "created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "webhooks_team_id_idx" ON "webhooks"  ("team_id") `);
    await queryRunner.query(`ALTER TABLE "teams" ADD CONSTRAINT "teams_personal_user_id_fkey" FOREIGN KEY ("personal_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "memberships" ADD CONSTRAINT "memberships_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "collections" ADD CONSTRAINT "collections_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "invitations" ADD CONSTRAINT "invitations_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "upload_tokens" ADD CONSTRAINT "upload_tokens_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "usage" ADD CONSTRAINT "usage_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "webhooks_team_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "usage" DROP CONSTRAINT "usage_team_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "upload_tokens" DROP CONSTRAINT "upload_tokens_team_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "invitations_team_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "collections" DROP CONSTRAINT "collections_team_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "memberships" DROP CONSTRAINT "memberships_user_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "memberships" DROP CONSTRAINT "memberships_team_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_team_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "teams" DROP CONSTRAINT "teams_personal_user_id_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."webhooks_team_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."images_team_page_idx"`);
    await queryRunner.query(`DROP INDEX "public"."collections_team_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."api_keys_team_id_idx"`);
    await queryRunner.query(`ALTER TABLE "webhooks" DROP COLUMN "team_id"`);
    await queryRunner.query(`DROP TRIGGER images_team_from_collection ON "images"`);
    await queryRunner.query(`DROP FUNCTION images_team_from_collection()`);
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "team_id"`);
    await queryRunner.query(`ALTER TABLE "collections" DROP COLUMN "team_id"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "expires_at"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "collection_ids"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "scopes"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "team_id"`);
    await queryRunner.query(`ALTER TABLE "users" ADD "plan" text NOT NULL DEFAULT 'free'`);
    await queryRunner.query(`UPDATE "users" u SET "plan" = t."plan" FROM "teams" t WHERE t."personal_user_id" = u."id"`);
    // only personal teams' usage has a user to go back to
    await queryRunner.query(`DELETE FROM "usage" WHERE "team_id" NOT IN (SELECT "id" FROM "teams" WHERE "personal_user_id" IS NOT NULL)`);
    await queryRunner.query(`UPDATE "usage" u SET "team_id" = t."personal_user_id" FROM "teams" t WHERE t."id" = u."team_id"`);
    await queryRunner.query(`DROP INDEX "public"."upload_tokens_token_hash_key"`);
    await queryRunner.query(`DROP TABLE "upload_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."invitations_token_hash_key"`);
    await queryRunner.query(`DROP INDEX "public"."invitations_team_id_idx"`);
    await queryRunner.query(`DROP TABLE "invitations"`);
    await queryRunner.query(`DROP INDEX "public"."memberships_user_id_idx"`);
    await queryRunner.query(`DROP TABLE "memberships"`);
    await queryRunner.query(`DROP INDEX "public"."teams_personal_user_id_key"`);
    await queryRunner.query(`DROP TABLE "teams"`);
    await queryRunner.query(`ALTER TABLE "usage" RENAME CONSTRAINT "PK_727c87de3dfdd4b1a62f183e0c3" TO "PK_94a79cefe24367c85b3da44f9c3"`);
    await queryRunner.query(`ALTER TABLE "usage" RENAME COLUMN "team_id" TO "user_id"`);
    await queryRunner.query(`CREATE INDEX "images_user_page_idx" ON "images" USING btree ("created_at", "id", "user_id") `);
    await queryRunner.query(`ALTER TABLE "usage" ADD CONSTRAINT "usage_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }
}
