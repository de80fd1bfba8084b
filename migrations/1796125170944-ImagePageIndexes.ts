import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImagePageIndexes1796125170944 implements MigrationInterface {
  name = 'ImagePageIndexes1796125170944';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."images_collection_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."images_user_created_idx"`);
    await queryRunner.query(`CREATE INDEX "images_collection_page_idx" ON "images"  ("collection_id", "created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "images_user_page_idx" ON "images"  ("user_id", "created_at", "id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."images_user_page_idx"`);
    await queryRunner.query(`DROP INDEX "public"."images_collection_page_idx"`);
    await queryRunner.query(`CREATE INDEX "images_user_created_idx" ON "images" USING btree ("user_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "images_collection_id_idx" ON "images" USING btree ("collection_id") `);
  }
}
