import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddResumableUploads1796125636776 implements MigrationInterface {
  name = 'AddResumableUploads1796125636776';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "resumable_uploads" ("id" text NOT NULL, "user_id" text NOT NULL, "collection_id" text NOT NULL, "filename" text, "checksum" text NOT NULL, "slug" text, "size" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "image_id" text, CONSTRAINT "PK_f0b6c019ae289d8fc92f37caaed" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "resumable_uploads_user_id_idx" ON "resumable_uploads"  ("user_id") `);
    await queryRunner.query(`CREATE INDEX "resumable_uploads_expires_at_idx" ON "resumable_uploads"  ("expires_at") `);
    await queryRunner.query(`ALTER TABLE "resumable_uploads" ADD CONSTRAINT "resumable_uploads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resumable_uploads" DROP CONSTRAINT "resumable_uploads_user_id_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."resumable_uploads_expires_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."resumable_uploads_user_id_idx"`);
    await queryRunner.query(`DROP TABLE "resumable_uploads"`);
  }
}
